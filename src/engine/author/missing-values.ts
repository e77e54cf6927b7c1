import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SettingDef } from "../../model/index.js";
import { loadProjectWithDiagnostics } from "../../project/load.js";
import type { Project } from "../../project/project.js";
import { writeInstanceConfig } from "../../project/save.js";
import type { SecretsPort } from "../../mesh/secrets-port.js";
import { allOrNothing } from "../../project/all-or-nothing.js";
import { paths } from "../../project/paths.js";

/** A required setting or secret of an instance that has no value: `apply`/`up` ask for it, or fail naming it. */
export interface MissingValue {
  instance: string;
  product: string;
  def: SettingDef;
}

/**
 * The required settings (no value, no default in config.yaml) and secrets (not in secrets.gpg)
 * of every instance. The secrets store is opened only when some instance has a required secret
 * and the store exists (without one, every required secret is missing).
 */
export async function findMissingValues(root: string, openSecrets: () => Promise<SecretsPort>): Promise<MissingValue[]> {
  return (await findMissingValuesLoaded(root, openSecrets)).missing;
}

/**
 * `findMissingValues`, with the project it loaded when that project has no problem at all: the
 * command's engine setup can take it instead of loading every manifest a second time.
 */
export async function findMissingValuesLoaded(
  root: string, openSecrets: () => Promise<SecretsPort>,
): Promise<{ missing: MissingValue[]; project?: Project }> {
  const { project, diagnostics } = await loadProjectWithDiagnostics(root);
  const missing = await missingValuesOf(project, root, openSecrets);
  return diagnostics.length === 0 ? { missing, project } : { missing };
}

async function missingValuesOf(project: Project, root: string, openSecrets: () => Promise<SecretsPort>): Promise<MissingValue[]> {
  const out: MissingValue[] = [];
  const secretsToCheck: MissingValue[] = [];
  for (const inst of project.instances.values()) {
    const product = project.products.get(inst.product);
    for (const def of product?.settings ?? []) {
      if (!def.required) continue;
      if (def.secret) secretsToCheck.push({ instance: inst.name, product: inst.product, def });
      else if (inst.settings[def.name] === undefined && def.default === undefined) out.push({ instance: inst.name, product: inst.product, def });
    }
  }
  if (secretsToCheck.length > 0) {
    const store = existsSync(join(root, "secrets.gpg")) ? await openSecrets() : undefined;
    for (const m of secretsToCheck) if (!store || (await store.get({ instance: m.instance }, m.def.name)) === undefined) out.push(m);
  }
  return out;
}

/** Stores the values given for missing ones: settings into each config.yaml, secrets into the store; all or nothing. */
export async function storeMissingValues(
  root: string, answers: ReadonlyArray<MissingValue & { value: unknown }>, openSecrets: () => Promise<SecretsPort>,
): Promise<void> {
  const byInstance = new Map<string, { product: string; settings: Record<string, unknown> }>();
  for (const a of answers) {
    if (a.def.secret) continue;
    const e = byInstance.get(a.instance) ?? { product: a.product, settings: {} };
    e.settings[a.def.name] = a.value;
    byInstance.set(a.instance, e);
  }
  const files = [...byInstance].map(([name, e]) => paths.instanceConfig(root, e.product, name));
  await allOrNothing(root, files, async () => {
    for (const [name, e] of byInstance) writeInstanceConfig(root, e.product, name, e.settings);
    const secrets = answers.filter((a) => a.def.secret);
    if (secrets.length === 0) return;
    const store = await openSecrets();
    for (const a of secrets) await store.set({ instance: a.instance }, a.def.name, String(a.value));
    await store.save();
  });
}
