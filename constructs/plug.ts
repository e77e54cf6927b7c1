import type { Construct, IConstruct } from "constructs";
import { TerraformElement } from "./cdktf.js";
import { MeshroomError } from "../src/errors/index.js";
import { type IntegrationRef, type Mode, type PlugKind, plugAddress } from "../src/model/index.js";
import { findIntegration, resolvePlug, type PlugEnd } from "../src/capabilities/index.js";
import { plugResourceId } from "../src/synth/ids.js";
import type { DesiredPlug } from "../src/synth/document.js";
import { desiredPlugRecord } from "../src/synth/plug-record.js";
import { PLUG, brand, hasBrand } from "./brand.js";
import { errorText } from "./instance.js";
import { problemError, valueProblems } from "./instance-input.js";
import { MeshStack } from "./mesh-stack.js";

/** An `Instance`, or an instance made with a generated binding (`new SiemLocalInstance(...)`). */
export type InstanceRef = IConstruct;

/** How a plug is set up, as `meshroom plug` recorded it (a YAML plug file). */
export interface PlugResolutionProps {
  readonly mode: Mode;
  readonly format?: string;
  readonly kind: PlugKind;
  readonly owner: string;
  readonly srcIntegration?: IntegrationRef;
  readonly dstIntegration?: IntegrationRef;
}

export interface PlugProps {
  readonly topic: string;
  readonly src: InstanceRef;
  readonly dst: InstanceRef;
  /** push (source active) or pull (destination active); any when unset, push first. */
  readonly mode?: Mode;
  readonly format?: string;
  /** The instance (src or dst) that should own both sides (`meshroom plug --owner`). */
  readonly owner?: InstanceRef | string;
  /** Plug settings asked by each side's explicit integration; secrets as `Secret.fromStore(...)`. */
  readonly settings?: { readonly src?: Readonly<Record<string, unknown>>; readonly dst?: Readonly<Record<string, unknown>> };
  /** Take this resolution as is instead of resolving (used when loading YAML plug files). */
  readonly resolved?: PlugResolutionProps;
}

interface Resolved extends PlugResolutionProps {
  src: PlugEnd;
  dst: PlugEnd;
}

/**
 * A live edge between two instances for one topic and mode. Resolved at synth time with the
 * rules of `meshroom plug`; an impossible plug fails validation with the CLI's message and
 * the `meshroom create integration …` commands that would fix it. Synthesizes a
 * `meshroom_plug` resource that `depends_on` both instances.
 */
export class Plug extends TerraformElement {
  readonly props: PlugProps;
  private _resolved?: Resolved;

  constructor(scope: Construct, id: string, props: PlugProps) {
    super(scope, id, "meshroom_plug");
    brand(this, PLUG);
    this.props = props;
    this.node.addValidation({ validate: () => this.meshErrors().map(errorText) });
  }

  static isPlug(x: unknown): x is Plug {
    return hasBrand(x, PLUG);
  }

  /** The resolution (throws the CLI's MeshroomError when the plug is impossible). */
  resolve(): Resolved {
    if (this._resolved) return this._resolved;
    const stack = MeshStack.of(this);
    const src = stack.instanceEnd(this.props.src, `${this.node.path}: src`);
    const dst = stack.instanceEnd(this.props.dst, `${this.node.path}: dst`);
    const p = this.props;
    if (p.resolved) {
      this._resolved = { ...p.resolved, src, dst };
      return this._resolved;
    }
    const owner = p.owner === undefined ? undefined : typeof p.owner === "string" ? p.owner : stack.instanceEnd(p.owner, `${this.node.path}: owner`).name;
    const r = resolvePlug(stack.graph, {
      topic: p.topic, src, dst, existing: [],
      ...(p.mode !== undefined ? { mode: p.mode } : {}),
      ...(p.format !== undefined ? { format: p.format } : {}),
      ...(owner !== undefined ? { owner } : {}),
    });
    if (r.status !== "resolved") throw new MeshroomError("E_INTERNAL", "plug resolution found a plug in an empty list");
    const rp = r.plug;
    this._resolved = {
      src, dst, mode: rp.mode, kind: rp.kind, owner: rp.owner,
      ...(rp.format !== undefined ? { format: rp.format } : {}),
      ...(rp.srcIntegration ? { srcIntegration: rp.srcIntegration } : {}),
      ...(rp.dstIntegration ? { dstIntegration: rp.dstIntegration } : {}),
    };
    return this._resolved;
  }

  /** `meshroom_plug.<id>` once resolved. */
  get resourceId(): string {
    const r = this.resolve();
    return plugResourceId(r.src.name, r.dst.name, this.props.topic, r.mode);
  }

  /** The plug's problems: an impossible plug, or plug settings its integrations do not declare (the YAML loader's rules). */
  meshErrors(): MeshroomError[] {
    let r: Resolved;
    try {
      r = this.resolve();
    } catch (e) {
      if (e instanceof MeshroomError) return [e];
      throw e;
    }
    const stack = MeshStack.of(this);
    const out: MeshroomError[] = [];
    for (const side of ["src", "dst"] as const) {
      const ref = side === "src" ? r.srcIntegration : r.dstIntegration;
      const defs = ref?.explicit ? (findIntegration(stack.graph, ref)?.plugSettings ?? []) : [];
      const given = this.props.settings?.[side] ?? {};
      const scope = `plug:${plugAddress(r.src.name, r.dst.name, this.props.topic, r.mode).replace(/^plug\./, "")}`;
      const owner = `the ${side} side of this plug`;
      for (const p of valueProblems(defs, given, owner, scope, (v) => stack.tokenText(v))) {
        out.push(problemError(this.node.path, { ...p, setting: `${side}.${p.setting}` }));
      }
    }
    return out;
  }

  override toTerraform(): Record<string, unknown> {
    const r = this.resolve();
    const graph = MeshStack.of(this).graph;
    const secretRefs = new Set<string>();
    for (const ref of [r.srcIntegration, r.dstIntegration]) {
      if (!ref?.explicit) continue;
      for (const s of findIntegration(graph, ref)?.plugSettings ?? []) if (s.secret) secretRefs.add(s.name);
    }
    return {
      resource: {
        meshroom_plug: {
          [this.resourceId]: desiredPlugRecord(
            { ...r, src: r.src.name, dst: r.dst.name, topic: this.props.topic },
            { src: { ...(this.props.settings?.src ?? {}) }, dst: { ...(this.props.settings?.dst ?? {}) } } as DesiredPlug["settings"],
            secretRefs,
          ),
        },
      },
    };
  }
}
