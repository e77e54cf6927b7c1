import { MeshroomError } from "../errors/index.js";
import { instanceAddress, plugAddress, type IntegrationRef, type Mode, type ResourceType } from "../model/index.js";
import type { DesiredDocument } from "./document.js";
import { instanceResourceId, plugResourceId } from "./ids.js";

type JsonValue = NonNullable<DesiredDocument["resource"]>["meshroom_instance"] extends infer T
  ? T extends Record<string, { settings: Record<string, infer V> }> ? V : never
  : never;
export type DesiredJson = Record<string, JsonValue>;

/** The shape of a plug the engine needs to set it up or tear it down (from the document or from state). */
export interface PlugInputs {
  src: string;
  dst: string;
  topic: string;
  mode: Mode;
  format: string | null;
  kind: "data" | "action";
  owner: string;
  src_integration: IntegrationRef | null;
  dst_integration: IntegrationRef | null;
  settings: { src: DesiredJson; dst: DesiredJson };
}

export interface InstanceInputs {
  name: string;
  product: string;
  settings: DesiredJson;
}

/** One resource of the desired document, by engine address. `inputs` is what state records and plan compares. */
export interface DesiredResource {
  address: string;
  type: ResourceType;
  inputs: DesiredJson;
  /** Names of the secrets it uses (their HMACs are inputs too). */
  secretRefs: string[];
  /** Addresses it depends on. */
  dependencies: string[];
}

/**
 * Reads the resources of a parsed desired document. Checks what zod cannot: ids match their
 * bodies, `depends_on` points at resources of the document, plugs depend on their instances.
 */
export function desiredResources(doc: DesiredDocument): DesiredResource[] {
  const out: DesiredResource[] = [];
  const problems: string[] = [];
  const idToAddress = new Map<string, string>();
  const instances = doc.resource?.meshroom_instance ?? {};
  const plugs = doc.resource?.meshroom_plug ?? {};
  for (const [id, r] of Object.entries(instances)) {
    if (instanceResourceId(r.name) !== id) problems.push(`meshroom_instance.${id}: id does not match name ${JSON.stringify(r.name)}`);
    idToAddress.set(`meshroom_instance.${id}`, instanceAddress(r.name));
  }
  for (const [id, p] of Object.entries(plugs)) {
    if (plugResourceId(p.src, p.dst, p.topic, p.mode) !== id) problems.push(`meshroom_plug.${id}: id does not match its src/dst/topic/mode`);
    idToAddress.set(`meshroom_plug.${id}`, plugAddress(p.src, p.dst, p.topic, p.mode));
  }
  const deps = (who: string, list: readonly string[] | undefined): string[] => {
    const res: string[] = [];
    for (const ref of list ?? []) {
      const a = idToAddress.get(ref);
      if (a === undefined) problems.push(`${who}: depends_on ${JSON.stringify(ref)} is not a resource of the document`);
      else res.push(a);
    }
    return [...new Set(res)].sort();
  };
  for (const [id, r] of Object.entries(instances)) {
    const inputs: InstanceInputs = { name: r.name, product: r.product, settings: r.settings };
    out.push({
      address: instanceAddress(r.name),
      type: "meshroom_instance",
      inputs: inputs as unknown as DesiredJson,
      secretRefs: [...r.secret_refs].sort(),
      dependencies: deps(`meshroom_instance.${id}`, r.depends_on),
    });
  }
  for (const [id, p] of Object.entries(plugs)) {
    const who = `meshroom_plug.${id}`;
    const d = deps(who, p.depends_on);
    for (const n of [p.src, p.dst]) {
      if (!d.includes(instanceAddress(n))) problems.push(`${who}: must depend on meshroom_instance.${instanceResourceId(n)}`);
    }
    const inputs: PlugInputs = {
      src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, format: p.format, kind: p.kind, owner: p.owner,
      src_integration: p.src_integration, dst_integration: p.dst_integration, settings: p.settings,
    };
    out.push({
      address: plugAddress(p.src, p.dst, p.topic, p.mode),
      type: "meshroom_plug",
      inputs: inputs as unknown as DesiredJson,
      secretRefs: [...(p.secret_refs ?? [])].sort(),
      dependencies: d,
    });
  }
  if (problems.length > 0) {
    throw new MeshroomError("E_BAD_MANIFEST", `the desired document is inconsistent: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, {
      diagnostics: problems.slice(0, 20).map((summary) => ({ summary })),
    });
  }
  return out;
}

/** The plug shape stored in a resource's inputs (state or desired). */
export function plugInputsOf(inputs: Readonly<Record<string, unknown>>): PlugInputs {
  return inputs as unknown as PlugInputs;
}

export function instanceInputsOf(inputs: Readonly<Record<string, unknown>>): InstanceInputs {
  return inputs as unknown as InstanceInputs;
}
