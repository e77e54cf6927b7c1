import type { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { instanceAddress, plugAddress, type InstanceInputs, type PlugInputs, type ResourceRecord, type ResourceType } from "../model/index.js";
import { InstanceInputsSchema, PlugInputsSchema, type DesiredDocument } from "./document.js";
import { instanceResourceId, plugResourceId } from "./ids.js";
import { isInstanceInputs, isPlugInputs } from "./inputs-check.js";

type JsonValue = NonNullable<DesiredDocument["resource"]>["meshroom_instance"] extends infer T
  ? T extends Record<string, { settings: Record<string, infer V> }> ? V : never
  : never;
export type DesiredJson = Record<string, JsonValue>;

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
    typedInstances.set(inputs, inputs);
    out.push({
      address: instanceAddress(r.name),
      type: "meshroom_instance",
      inputs,
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
    typedPlugs.set(inputs, inputs);
    out.push({
      address: plugAddress(p.src, p.dst, p.topic, p.mode),
      type: "meshroom_plug",
      inputs,
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

/**
 * Typed inputs by the inputs object they were read from: built by `desiredResources` from the
 * parsed document, or parsed by `instanceRecord` / `plugRecord` (resource objects are replaced,
 * never edited, so an inputs object stays what it was when parsed).
 */
const typedInstances = new WeakMap<object, InstanceInputs>();
const typedPlugs = new WeakMap<object, PlugInputs>();

type StoredResource = { address: string; inputs: Readonly<Record<string, unknown>> };

/**
 * The typed inputs of an instance resource from state or the plan. They are parsed the first time
 * this inputs object is seen (the state file's edge: parseStateText only knows inputs are JSON);
 * inputs that came from the desired document are not parsed again. E_STATE, naming the resource
 * and what to do, when they do not fit (a hand-edited state).
 */
export function instanceRecord(r: StoredResource): InstanceInputs {
  const known = typedInstances.get(r.inputs);
  if (known) return known;
  // the hand-written check vouches for inputs zod would take unchanged; zod for the rest (inputs-check.ts)
  if (isInstanceInputs(r.inputs)) return remember(typedInstances, r, { success: true, data: r.inputs }, "meshroom_instance");
  return remember(typedInstances, r, InstanceInputsSchema.safeParse(r.inputs), "meshroom_instance");
}

/** The typed inputs of a plug resource from state or the plan (see `instanceRecord`). */
export function plugRecord(r: StoredResource): PlugInputs {
  const known = typedPlugs.get(r.inputs);
  if (known) return known;
  if (isPlugInputs(r.inputs)) return remember(typedPlugs, r, { success: true, data: r.inputs }, "meshroom_plug");
  return remember(typedPlugs, r, PlugInputsSchema.safeParse(r.inputs), "meshroom_plug");
}

/** A resource from state or the plan as a typed record (see `instanceRecord`). */
export function resourceRecord(r: StoredResource & { type: ResourceType }): ResourceRecord {
  return r.type === "meshroom_instance"
    ? { address: r.address, type: r.type, inputs: instanceRecord(r) }
    : { address: r.address, type: r.type, inputs: plugRecord(r) };
}

function remember<T>(
  cache: WeakMap<object, T>, r: StoredResource, res: { success: true; data: T } | { success: false; error: z.ZodError }, type: ResourceType,
): T {
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new MeshroomError("E_STATE", `${r.address}: its recorded inputs are not those of a ${type} (${issue.path.join(".") || "inputs"}: ${issue.message})`, {
      detail:
        "The state was edited by hand or written by another program. Restore meshroom.state.json from its .backup, " +
        `or drop the resource with \`meshroom state rm ${r.address}\` and run \`meshroom apply\` to create it again.`,
    });
  }
  cache.set(r.inputs, res.data);
  return res.data;
}
