import { Construct, type IConstruct, type Node } from "constructs";
import { App, TerraformProvider, TerraformResource, TerraformStack, resolveIn, type TerraformElement } from "./cdktf.js";
import type { CapabilityGraph, PlugEnd } from "../src/capabilities/index.js";
import { MeshroomError } from "../src/errors/index.js";
import type { SettingProblem } from "../src/model/index.js";
import { excerpt } from "../src/util/excerpt.js";
import type { DesiredDocument } from "../src/synth/document.js";
import { instanceResourceId } from "../src/synth/ids.js";
import { VERSION } from "../src/util/version.js";
import { INSTANCE, MESH_STACK, PLUG, brand, hasBrand } from "./brand.js";
import { type MeshProject, productResourceTypes } from "./mesh-project.js";
import { Product } from "./product.js";
import { renderMeshDocument } from "./render.js";
import { installAppErrorHandler } from "./app-errors.js";
import { TESTING_CONTEXT, writeErrorReport } from "./error-report.js";
import { type InstanceInput, bindingInput, instanceProblems, problemError } from "./instance-input.js";

installAppErrorHandler();

export interface MeshStackProps {
  /** The loaded project: `await loadMeshProject(".")` from `meshroom/stacks`. */
  readonly project: MeshProject;
}

interface MeshChild extends IConstruct {
  meshErrors(): MeshroomError[];
}

/**
 * One mesh, as a cdktf stack. Its `cdk.tf.json` is meshroom's desired document: the
 * `meshroom_instance` and `meshroom_plug` resources its constructs render (deep-merged by
 * cdktf), instances made with generated bindings turned into `meshroom_instance`, secrets
 * listed by name, no Terraform backend or provider block.
 */
export class MeshStack extends TerraformStack {
  readonly project: MeshProject;
  private readonly _productTypes: ReadonlyMap<string, string>;
  private readonly _products = new Map<string, Product>();

  constructor(scope: Construct, id: string, props: MeshStackProps) {
    super(scope, id);
    brand(this, MESH_STACK);
    this.project = props.project;
    this._productTypes = productResourceTypes(props.project.graph.products.values());
    const catalog = new Construct(this, "_products");
    for (const def of props.project.graph.products.values()) {
      const explicit = [...props.project.graph.explicit.values()].flat().filter((i) => i.product === def.name);
      this._products.set(def.name, new Product(catalog, def, props.project.graph.capabilities.get(def.name) ?? [], explicit));
    }
    // Generated bindings name "meshroom" as their provider; cdktf wants a provider construct for it.
    new _MeshroomProvider(this, "_provider");
    this.node.addValidation({ validate: () => this._duplicateErrors().map((e) => e.message) });
  }

  static isMeshStack(x: unknown): x is MeshStack {
    return hasBrand(x, MESH_STACK);
  }

  /** The mesh stack a construct belongs to. */
  static override of(c: IConstruct): MeshStack {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (MeshStack.isMeshStack(s)) return s;
    throw new MeshroomError("E_USAGE", `${c.node.path} is not inside a MeshStack`, {
      detail: "create instances and plugs with a MeshStack as their scope: new Instance(mesh, \"name\", {...})",
    });
  }

  get graph(): CapabilityGraph {
    return this.project.graph;
  }

  product(name: string): Product {
    const p = this._products.get(name);
    if (!p) throw new MeshroomError("E_NOT_FOUND", `no product ${name} in this project`, { detail: `products: ${[...this._products.keys()].join(", ") || "none"}` });
    return p;
  }

  /** Name and product of an `Instance` or of a generated-binding instance (`what` names the plug end, for messages). */
  instanceEnd(ref: IConstruct, what = "a plug end"): PlugEnd {
    if (ref === null || typeof ref !== "object") {
      const shown = typeof ref === "string" ? `the string ${JSON.stringify(excerpt(ref))}` : String(ref);
      throw new MeshroomError("E_USAGE", `${what} is ${shown}, not an instance construct`, {
        detail: "pass the construct itself: const siem = new Instance(mesh, \"siem\", {...}) (or a class from `meshroom get`), then src: siem",
      });
    }
    if (hasBrand(ref, INSTANCE)) {
      const i = ref as IConstruct & { instanceName: string; productName: string };
      return { name: i.instanceName, product: i.productName };
    }
    const product = TerraformResource.isTerraformResource(ref) ? this._productTypes.get(ref.terraformResourceType) : undefined;
    if (product !== undefined) return { name: ref.node.id, product };
    throw new MeshroomError("E_USAGE", `${ref.node.path} is not an instance`, {
      detail: "a plug's src and dst are Instance constructs or instances of generated bindings (`meshroom get`)",
    });
  }

  /** Every problem of the mesh (bad instances, impossible plugs, duplicates), as the CLI words them. */
  meshErrors(): MeshroomError[] {
    const out: MeshroomError[] = [];
    for (const c of this.node.findAll()) {
      if (hasBrand(c, PLUG)) out.push(...(c as MeshChild).meshErrors());
      else if (hasBrand(c, INSTANCE) || this._isBinding(c)) {
        try {
          out.push(...this.problemsOf(c).map((p) => problemError(c.node.path, p)));
        } catch (e) {
          if (!(e instanceof MeshroomError)) throw e;
          out.push(e);
        }
      }
    }
    out.push(...this._duplicateErrors());
    return out;
  }

  /**
   * The instances' problems by the YAML loader's rules (model/setting-rules.ts), with the
   * construct path of each: what `meshErrors` words as the CLI's errors.
   */
  instanceProblems(): Array<{ path: string; problem: SettingProblem }> {
    const out: Array<{ path: string; problem: SettingProblem }> = [];
    for (const c of this.node.findAll()) {
      if (hasBrand(c, INSTANCE) || this._isBinding(c)) for (const problem of this.problemsOf(c)) out.push({ path: c.node.path, problem });
    }
    return out;
  }

  /** One instance's problems (an `Instance` or a generated-binding instance). */
  problemsOf(c: IConstruct): SettingProblem[] {
    const input: InstanceInput = hasBrand(c, INSTANCE)
      ? (() => {
          const i = c as IConstruct & { instanceName: string; productName: string; settings: Record<string, unknown> };
          return { construct: c, name: i.instanceName, product: i.productName, values: { ...i.settings } };
        })()
      : bindingInput(c, this._productTypes.get((c as TerraformResource).terraformResourceType)!);
    return instanceProblems(input, this.graph.products.get(input.product), (v) => this.tokenText(v));
  }

  /** A value with tokens as Terraform would print it (`${meshroom_sink_instance.siem.port}`), for messages. */
  tokenText(v: unknown): string {
    let resolved: unknown;
    try {
      resolved = resolveIn(this, v);
    } catch {
      return String(v);
    }
    return typeof resolved === "string" ? resolved : JSON.stringify(resolved) ?? String(v);
  }

  /** Settings of a generated-binding instance, by setting name, as given (tokens unresolved). */
  bindingSettings(c: IConstruct): Record<string, unknown> {
    const product = this._productTypes.get((c as TerraformResource).terraformResourceType)!;
    return bindingInput(c, product).values;
  }

  private _isBinding(c: IConstruct): c is TerraformResource {
    return TerraformResource.isTerraformResource(c) && this._productTypes.has(c.terraformResourceType);
  }

  /** Never reached through `app.synth()` (prepareStack refuses HCL first); refused here too for direct callers. */
  override toHclTerraform(): never {
    this.checkMesh();
    throw this._hclError() ?? new MeshroomError("E_USAGE", "a meshroom mesh has no HCL form: `cdktf synth --hcl` is not supported");
  }

  /** Throws the mesh's first problem (the rest as diagnostics) as a MeshroomError. */
  checkMesh(): void {
    const error = _combine(this.meshErrors());
    if (error) throw error;
  }

  /**
   * cdktf calls this first in `app.synth()`. A mesh with problems stops here, before any
   * element renders, with the CLI's MeshroomError; the problems are also written to
   * `<outdir>/meshroom-errors.json`, which is how meshroom reads them back when it runs a
   * code mesh's app as a child process (the child's stderr is only for people).
   */
  override prepareStack(): void {
    const error = _combine(this.meshErrors()) ?? this._hclError();
    if (error) {
      const root = this.node.root;
      if (App.isApp(root)) {
        writeErrorReport(root.outdir, error);
        _exitAsApp(root, error);
      }
      throw error;
    }
    super.prepareStack();
  }

  /**
   * `cdktf synth --hcl` (the App's `hclOutput`, or `SYNTH_HCL_OUTPUT` for the stack) is
   * refused: meshroom reads only the JSON document, and cdktf's HCL renderer bypasses the
   * mesh's rendering (it would leave out the plugs and write secrets in clear).
   */
  private _hclError(): MeshroomError | undefined {
    const root = this.node.root;
    const env = process.env.SYNTH_HCL_OUTPUT;
    if (!(App.isApp(root) && root.hclOutput) && env !== "true" && env !== "1") return undefined;
    return new MeshroomError("E_USAGE", "a meshroom mesh has no HCL form: `cdktf synth --hcl` is not supported", {
      detail: "run `cdktf synth` (JSON, what meshroom plans from) or `meshroom synth`; review the mesh with `meshroom plan`",
    });
  }

  /** The desired document, in memory (checks the mesh first). What `Testing.synthMesh` returns. */
  synthDocument(): DesiredDocument {
    this.checkMesh();
    this.prepareStack();
    return this.toTerraform() as DesiredDocument;
  }


  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    if (TerraformResource.isTerraformResource(tfElement) && this._productTypes.has(tfElement.terraformResourceType)) {
      return instanceResourceId(tfElement.node.id);
    }
    return super.allocateLogicalId(tfElement);
  }

  override toTerraform(): DesiredDocument {
    const bindingSettings = new Map<string, Record<string, unknown>>();
    for (const c of this.node.findAll()) {
      if (!this._isBinding(c)) continue;
      const settings = resolveIn(this, this.bindingSettings(c)) as Record<string, unknown>;
      bindingSettings.set(`${c.terraformResourceType}.${instanceResourceId(c.node.id)}`, settings);
    }
    return renderMeshDocument(super.toTerraform() as Record<string, unknown>, {
      graph: this.graph,
      productTypes: this._productTypes,
      bindingSettings,
      version: VERSION,
    });
  }

  private _duplicateErrors(): MeshroomError[] {
    const seen = new Map<string, string>();
    const out: MeshroomError[] = [];
    const note = (key: string, path: string, what: string) => {
      const prev = seen.get(key);
      if (prev !== undefined) out.push(new MeshroomError("E_CONFLICT", `${what} is declared twice: ${prev} and ${path}`));
      else seen.set(key, path);
    };
    for (const c of this.node.findAll()) {
      let end: PlugEnd | undefined;
      if (hasBrand(c, INSTANCE)) end = this.instanceEnd(c);
      else if (TerraformResource.isTerraformResource(c) && this._productTypes.has(c.terraformResourceType)) end = this.instanceEnd(c);
      if (end) note(`i:${end.name}`, c.node.path, `instance ${end.name}`);
      if (hasBrand(c, PLUG)) {
        const p = c as MeshChild & { resourceId: string };
        if (p.meshErrors().length === 0) note(`p:${p.resourceId}`, c.node.path, `plug meshroom_plug.${p.resourceId}`);
      }
    }
    return out;
  }
}

/**
 * Run as a cdktf app (by `cdktf synth` or `meshroom synth`, which set CDKTF_OUTDIR), a mesh
 * with problems ends the program with the CLI's diagnostics on stderr and exit code 1, not
 * with an uncaught error's stack trace. Never in a test (`Testing.app()`) or a program that
 * made its App with an explicit outdir outside such a run.
 */
function _exitAsApp(root: App, error: MeshroomError): void {
  if (process.env.CDKTF_OUTDIR === undefined || root.node.tryGetContext(TESTING_CONTEXT) === true) return;
  process.stderr.write(`meshroom: ${error.render()}\n`);
  process.exit(1);
}

function _combine(errors: readonly MeshroomError[]): MeshroomError | undefined {
  const first = errors[0];
  if (!first) return undefined;
  if (errors.length === 1) return first;
  return new MeshroomError(first.code, first.message, {
    ...(first.detail !== undefined ? { detail: first.detail } : {}),
    diagnostics: errors.slice(1).map((e) => ({ summary: e.message, ...(e.detail !== undefined ? { detail: e.detail } : {}) })),
  });
}

/** The provider construct cdktf requires for the generated bindings; rendered out of the document. */
class _MeshroomProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: "meshroom",
      terraformGeneratorMetadata: { providerName: "meshroom" },
      terraformProviderSource: "meshroom/meshroom",
    });
  }
}
