import type { CapabilityGraph } from "../src/capabilities/index.js";
import { MeshroomError } from "../src/errors/index.js";
import type { DesiredDocument, DesiredInstance, DesiredPlug } from "../src/synth/document.js";
import { instanceResourceId } from "../src/synth/ids.js";
import { sortKeys } from "../src/util/sort-keys.js";
import { hasNestedSecret, isSecretMarker } from "./secret.js";

type Json = DesiredInstance["settings"][string];
type JsonRecord = Record<string, Json>;

export interface RenderContext {
  graph: CapabilityGraph;
  /** Resource type of a generated binding → product. */
  productTypes: ReadonlyMap<string, string>;
  /** `<type>.<id>` of a generated-binding instance → its settings by setting name (resolved). */
  bindingSettings: ReadonlyMap<string, Record<string, unknown>>;
  version: string;
}

/**
 * Turns the stack's merged cdktf JSON into the desired document (pure): generated-binding
 * resources become `meshroom_instance`, secret references move to `secret_refs` (a secret
 * setting given as plain text is refused), Terraform's backend/provider blocks are dropped
 * (an empty `terraform.required_providers` stays for the cdktf CLI), keys are sorted. Same
 * resources as `projectToDocument` (src/synth) gives for a YAML project.
 */
export function renderMeshDocument(raw: Record<string, unknown>, ctx: RenderContext): DesiredDocument {
  const resources = (raw.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const instances: Record<string, DesiredInstance> = {};
  const renames = new Map<string, string>();
  for (const [id, body] of Object.entries(resources.meshroom_instance ?? {})) instances[id] = body as unknown as DesiredInstance;
  for (const [type, product] of ctx.productTypes) {
    for (const [id, body] of Object.entries(resources[type] ?? {})) {
      const settings = ctx.bindingSettings.get(`${type}.${id}`);
      if (!settings) throw new MeshroomError("E_INTERNAL", `${type}.${id} is not a construct of this mesh`);
      instances[id] = _fromBinding(type, id, product, body, settings);
      renames.set(`${type}.${id}`, `meshroom_instance.${id}`);
    }
  }
  const outInstances: Record<string, DesiredInstance> = {};
  for (const id of Object.keys(instances).sort()) {
    const i = instances[id]!;
    const def = ctx.graph.products.get(i.product);
    const { settings, refs } = _splitSecrets(`instance ${i.name}`, i.settings);
    for (const s of def?.settings ?? []) {
      if (!s.secret) continue;
      if (settings[s.name] !== undefined) {
        throw new MeshroomError("E_BAD_VALUE", `instance ${i.name}: setting ${s.name} is secret and must not be written in the mesh`, {
          detail: `use Secret.fromStore(${JSON.stringify(s.name)}) and keep the value in the secrets store (secrets.gpg)`,
        });
      }
      refs.add(s.name);
    }
    outInstances[id] = {
      name: i.name,
      product: i.product,
      settings: sortKeys(settings) as JsonRecord,
      secret_refs: [...refs].sort(),
      depends_on: [...new Set((i.depends_on ?? []).map((d) => renames.get(d) ?? d))].sort(),
    };
  }
  const outPlugs: Record<string, DesiredPlug> = {};
  const plugs = (resources.meshroom_plug ?? {}) as unknown as Record<string, DesiredPlug>;
  for (const id of Object.keys(plugs).sort()) {
    const p = plugs[id]!;
    const src = _splitSecrets(`plug ${id} (src)`, p.settings.src);
    const dst = _splitSecrets(`plug ${id} (dst)`, p.settings.dst);
    const refs = new Set([...(p.secret_refs ?? []), ...src.refs, ...dst.refs]);
    outPlugs[id] = {
      ...p,
      settings: { src: sortKeys(src.settings) as JsonRecord, dst: sortKeys(dst.settings) as JsonRecord },
      secret_refs: [...refs].sort(),
      depends_on: p.depends_on.map((d) => renames.get(d) ?? d),
    };
  }
  return {
    "//": { metadata: { backend: "meshroom", version: ctx.version } },
    // the cdktf CLI reads `terraform.required_providers` of every stack it synthesizes
    terraform: { required_providers: {} },
    resource: { meshroom_instance: outInstances, meshroom_plug: outPlugs },
  };
}

function _fromBinding(type: string, id: string, product: string, body: Record<string, unknown>, given: Record<string, unknown>): DesiredInstance {
  const path = ((body["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? id).split("/");
  const name = path[path.length - 1]!;
  if (body.count !== undefined || body.for_each !== undefined) {
    throw new MeshroomError("E_USAGE", `instance ${name}: count and forEach are not supported on meshroom instances`, {
      detail: "create one construct per instance (a loop in your code does the same)",
    });
  }
  // the settings by their own names (the body's keys are the binding's attribute names)
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null) settings[k] = v;
  if (instanceResourceId(name) !== id) {
    throw new MeshroomError("E_INTERNAL", `${type}.${id} does not match its construct id ${name}`);
  }
  const deps = Array.isArray(body.depends_on) ? (body.depends_on as string[]) : [];
  return { name, product, settings: settings as JsonRecord, secret_refs: [], depends_on: deps };
}

function _splitSecrets(who: string, values: Record<string, unknown>): { settings: Record<string, unknown>; refs: Set<string> } {
  const settings: Record<string, unknown> = {};
  const refs = new Set<string>();
  for (const [k, v] of Object.entries(values ?? {})) {
    if (isSecretMarker(v)) {
      refs.add(v["meshroom:secret"]);
      continue;
    }
    if (hasNestedSecret(v)) {
      throw new MeshroomError("E_BAD_VALUE", `${who}: setting ${k} holds a secret reference inside a value`, {
        detail: "a secret reference stands for a whole setting: settings: { api_key: Secret.fromStore(\"api_key\") }",
      });
    }
    settings[k] = v;
  }
  return { settings, refs };
}
