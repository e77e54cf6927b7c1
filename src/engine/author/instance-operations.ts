import { MeshroomError } from "../../errors/index.js";
import { type Product, type SettingDef, assertName, coerceSettingValue, parseAddress, plugAddress } from "../../model/index.js";
import { paths } from "../../project/paths.js";
import type { Project } from "../../project/project.js";
import { removePath } from "../../project/remove-path.js";
import { allOrNothing } from "../../project/all-or-nothing.js";
import { writeInstanceConfig } from "../../project/save.js";
import type { SecretsPort } from "../../mesh/secrets-port.js";

export interface SettingsInput {
  /** `-c key=value` pairs, in order. */
  values: Array<[string, string]>;
  /** `-s NAME` secrets with their values (read from stdin by the CLI). */
  secrets: Array<[string, string]>;
}

export interface ResolvedSettings {
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Required settings still without a value (the CLI prompts for them on a TTY, else fails). */
  missing: SettingDef[];
}

/** Types `-c` values by the product's settings, applies defaults, lists what is still required. */
export function resolveSettings(product: Product, input: SettingsInput, existing: Record<string, unknown> = {}, applyDefaults = true): ResolvedSettings {
  const byName = new Map(product.settings.map((s) => [s.name, s]));
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, text] of input.values) {
    const def = byName.get(k);
    if (!def) throw unknownSetting(product, k);
    if (def.secret) throw new MeshroomError("E_BAD_VALUE", `setting ${k} is secret: pass it with \`-s ${k}\` (value read from stdin), not \`-c\``);
    settings[k] = coerceSettingValue(def, text);
  }
  for (const [k, value] of input.secrets) {
    const def = byName.get(k);
    if (!def) throw unknownSetting(product, k);
    if (!def.secret) throw new MeshroomError("E_BAD_VALUE", `setting ${k} is not secret: pass it with \`-c ${k}=…\``);
    secrets[k] = value;
  }
  if (applyDefaults) {
    for (const def of product.settings) {
      if (!def.secret && def.default !== undefined && settings[def.name] === undefined && existing[def.name] === undefined) settings[def.name] = def.default;
    }
  }
  const missing = product.settings.filter(
    (d) => d.required && (d.secret ? secrets[d.name] === undefined : settings[d.name] === undefined && existing[d.name] === undefined),
  );
  return { settings, secrets, missing };
}

function unknownSetting(product: Product, k: string): MeshroomError {
  const known = product.settings.map((s) => s.name);
  return new MeshroomError("E_BAD_VALUE", `product ${product.name} has no setting ${JSON.stringify(k)}`, {
    detail: known.length ? `its settings: ${known.join(", ")}` : `it declares no settings (add them to ${product.name}/definition.yaml)`,
  });
}

export interface AddInstanceRequest {
  product: string;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function checkNewInstance(project: Project, productName: string, name: string): Product {
  assertName("product", productName);
  assertName("instance", name);
  const product = project.products.get(productName);
  if (!product) throw new MeshroomError("E_NOT_FOUND", `product ${productName} not found`, { detail: "see `meshroom list products`" });
  const other = project.instances.get(name);
  if (other) throw new MeshroomError("E_EXISTS", `instance ${name} already exists (product ${other.product}); instance names are unique in a project`);
  return product;
}

/**
 * Writes the instance's config.yaml and stores its secrets, all or nothing, in the project as loaded (checked once, by `checkNewInstance`; not read again).
 */
export async function addInstance(project: Project, req: AddInstanceRequest, openSecrets: () => Promise<SecretsPort>): Promise<string> {
  checkNewInstance(project, req.product, req.name);
  // the config is written first and taken back if the secrets cannot be stored
  return allOrNothing(project.root, [paths.instanceDir(project.root, req.product, req.name)], async () => {
    const file = writeInstanceConfig(project.root, req.product, req.name, req.settings);
    await storeSecrets({ instance: req.name }, req.secrets, openSecrets);
    return file;
  });
}

/** Stores the new settings and secrets of an instance of the project as loaded (not read again). */
export async function configureInstance(
  project: Project,
  name: string,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
  openSecrets: () => Promise<SecretsPort>,
): Promise<string> {
  const inst = project.instances.get(name);
  if (!inst) throw noInstance(name);
  return allOrNothing(project.root, [paths.instanceConfig(project.root, inst.product, name)], async () => {
    const file = writeInstanceConfig(project.root, inst.product, name, settings);
    await storeSecrets({ instance: name }, secrets, openSecrets);
    return file;
  });
}

async function storeSecrets(scope: { instance: string }, secrets: Record<string, string>, openSecrets: () => Promise<SecretsPort>): Promise<void> {
  const entries = Object.entries(secrets);
  if (entries.length === 0) return;
  const store = await openSecrets();
  for (const [k, v] of entries) await store.set(scope, k, v);
  await store.save();
}

export interface RemoveInstanceResult {
  removedPlugFiles: string[];
}

/**
 * Deletes an instance folder. Refuses while plugs or the state reference it unless `force`;
 * with `force`, plugs to and from it are removed too. Its secrets (and its plugs') are dropped now
 * when the state does not hold them, else by the apply that tears them down.
 */
export async function removeInstance(
  project: Project,
  name: string,
  opts: { force: boolean; stateAddresses: ReadonlySet<string>; openSecrets: () => Promise<SecretsPort>; hasSecrets: boolean },
): Promise<RemoveInstanceResult> {
  const inst = project.instances.get(name);
  if (!inst) throw noInstance(name);
  const plugs = project.plugs.filter((p) => p.src === name || p.dst === name);
  // instance names may contain dots: split plug addresses on the names known to the project or the state
  const names = new Set([...project.instances.keys(), ...[...opts.stateAddresses].filter((a) => a.startsWith("instance.")).map((a) => a.slice("instance.".length))]);
  const inState = [...opts.stateAddresses].filter((a) => {
    const p = parseAddress(a, names);
    return p?.type === "meshroom_instance" ? p.name === name : p?.type === "meshroom_plug" && (p.src === name || p.dst === name);
  });
  if (!opts.force && (plugs.length || inState.length)) {
    const why: string[] = [];
    if (plugs.length) why.push(`plugs: ${plugs.map((p) => `${p.src} -[${p.topic}]-> ${p.dst}`).join(", ")}`);
    if (inState.length) why.push(`state: ${inState.join(", ")} (run \`meshroom destroy --target instance.${name}\` first)`);
    throw new MeshroomError("E_CONFLICT", `instance ${name} is still referenced`, {
      detail: `${why.join("\n")}\nunplug or destroy them first, or pass --force`,
    });
  }
  const removedPlugFiles = plugs.filter((p) => p.dst === name).map((p) => p.file);
  // secrets of what the state still holds stay until apply has torn it down (its teardown may
  // need them; apply deletes them then); the others go now
  const scopes = [
    ...(opts.stateAddresses.has(`instance.${name}`) ? [] : [{ instance: name }]),
    ...plugs.map((p) => plugAddress(p.src, p.dst, p.topic, p.mode)).filter((a) => !opts.stateAddresses.has(a)).map((a) => ({ plug: a })),
  ];
  if (opts.hasSecrets && scopes.length > 0) {
    const store = await opts.openSecrets();
    for (const scope of scopes) await store.deleteScope(scope);
    await store.save();
  }
  for (const f of removedPlugFiles) removePath(project.root, f);
  removePath(project.root, paths.instanceDir(project.root, inst.product, name));
  return { removedPlugFiles };
}

function noInstance(name: string): MeshroomError {
  return new MeshroomError("E_NOT_FOUND", `instance ${name} not found`, { detail: "see `meshroom list instances`" });
}

