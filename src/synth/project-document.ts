import type { ExplicitIntegration, Instance, InstanceInputs, IntegrationRef, Plug, PlugInputs, Product } from "../model/index.js";
import type { Project } from "../project/project.js";
import { sameIntegration } from "../capabilities/integration.js";
import { VERSION } from "../util/version.js";
import type { DesiredDocument, DesiredInstance, DesiredPlug } from "./document.js";
import { instanceResourceId, plugResourceId } from "./ids.js";
import { desiredPlugRecord } from "./plug-record.js";
import { sortKeys } from "../util/sort-keys.js";

export interface SynthOptions {
  /** Stamped in `//.metadata.version` (default: this meshroom's version). */
  version?: string;
}

type JsonValue = DesiredInstance["settings"][string];

/**
 * The desired document of a loaded project (pure). Instances list the names of their product's
 * secret settings; plugs list those of their explicit integrations' secret plug settings. A plug
 * depends on both its instances. Keys are sorted so equal projects give equal documents.
 */
export function projectToDocument(project: Project, opts: SynthOptions = {}): DesiredDocument {
  const instances: Record<string, DesiredInstance> = {};
  for (const name of [...project.instances.keys()].sort()) {
    const i = project.instances.get(name)!;
    const product = project.products.get(i.product);
    instances[instanceResourceId(name)] = {
      ...instanceInputs(i),
      secret_refs: product ? secretSettingNames(product) : [],
      depends_on: [],
    };
  }
  const plugs: Record<string, DesiredPlug> = {};
  for (const p of project.plugs) {
    plugs[plugResourceId(p.src, p.dst, p.topic, p.mode)] = plugResource(project, p);
  }
  return {
    "//": { metadata: { backend: "meshroom", version: opts.version ?? VERSION } },
    resource: { meshroom_instance: instances, meshroom_plug: plugs },
  };
}

function plugResource(project: Project, p: Plug): DesiredPlug {
  const secretRefs = new Set<string>();
  for (const ref of [p.srcIntegration, p.dstIntegration]) {
    const def = ref && findExplicit(project.integrations, ref);
    for (const s of def?.plugSettings ?? []) if (s.secret) secretRefs.add(s.name);
  }
  return desiredPlugRecord(p, { src: toJsonRecord(p.settings.src), dst: toJsonRecord(p.settings.dst) }, secretRefs);
}

/** An instance of the project as its resource record (the same as in the desired document). */
export function instanceInputs(i: Instance): InstanceInputs {
  return { name: i.name, product: i.product, settings: toJsonRecord(i.settings) };
}

/** A plug of the project as its resource record (the same as in the desired document). */
export function plugInputs(p: Plug): PlugInputs {
  const { secret_refs: _refs, depends_on: _deps, ...inputs } = desiredPlugRecord(p, { src: toJsonRecord(p.settings.src), dst: toJsonRecord(p.settings.dst) }, []);
  return inputs;
}

function secretSettingNames(product: Product): string[] {
  return product.settings.filter((s) => s.secret).map((s) => s.name).sort();
}

function findExplicit(list: readonly ExplicitIntegration[], ref: IntegrationRef): ExplicitIntegration | undefined {
  return ref.explicit ? list.find((i) => sameIntegration(ref, i)) : undefined;
}

/** Settings come from YAML; this drops what JSON cannot hold (undefined) and sorts keys. */
function toJsonRecord(v: Record<string, unknown>): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(sortKeys(v ?? {}))) as Record<string, JsonValue>;
}
