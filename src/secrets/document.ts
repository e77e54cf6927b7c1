import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { isInstanceScope, type SecretEntry, type SecretScope } from "./scope.js";

/**
 * The decrypted content of secrets.gpg. Instances and plugs are separate maps keyed by name /
 * address, so no two scopes can ever collide (no string joining).
 */
const SecretMap = z.record(z.string(), z.string());

export const SecretsDocumentSchema = z.object({
  instances: z.record(z.string(), SecretMap).default({}),
  plugs: z.record(z.string(), SecretMap).default({}),
  meta: z
    .object({
      /** Per-project HMAC key (hex); lives only inside the encrypted store. */
      hmac_key: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    })
    .loose()
    .default({}),
});

export type SecretsDocument = z.infer<typeof SecretsDocumentSchema>;

export function emptyDocument(): SecretsDocument {
  return { instances: {}, plugs: {}, meta: {} };
}

export function parseDocument(text: string, file: string): SecretsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MeshroomError("E_SECRETS", `${file} decrypted, but its content is not JSON`, { cause: e });
  }
  const r = SecretsDocumentSchema.safeParse(raw);
  if (!r.success) {
    throw new MeshroomError("E_SECRETS", `${file} decrypted, but its content is not a meshroom secrets document`, {
      detail: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"),
    });
  }
  return r.data;
}

export function serializeDocument(doc: SecretsDocument): string {
  return JSON.stringify(doc, null, 2);
}

function sectionOf(doc: SecretsDocument, scope: SecretScope): [Record<string, Record<string, string>>, string] {
  return isInstanceScope(scope) ? [doc.instances, scope.instance] : [doc.plugs, scope.plug];
}

export function getSecret(doc: SecretsDocument, scope: SecretScope, name: string): string | undefined {
  const [section, key] = sectionOf(doc, scope);
  const map = Object.hasOwn(section, key) ? section[key] : undefined;
  return map && Object.hasOwn(map, name) ? map[name] : undefined;
}

export function setSecret(doc: SecretsDocument, scope: SecretScope, name: string, value: string): void {
  const [section, key] = sectionOf(doc, scope);
  const map = Object.hasOwn(section, key) ? section[key]! : (section[key] = {});
  map[name] = value;
}

/** Returns whether something was deleted; an emptied scope is dropped. */
export function deleteSecret(doc: SecretsDocument, scope: SecretScope, name: string): boolean {
  const [section, key] = sectionOf(doc, scope);
  const map = Object.hasOwn(section, key) ? section[key] : undefined;
  if (!map || !Object.hasOwn(map, name)) return false;
  delete map[name];
  if (Object.keys(map).length === 0) delete section[key];
  return true;
}

export function hasScope(doc: SecretsDocument, scope: SecretScope): boolean {
  const [section, key] = sectionOf(doc, scope);
  return Object.hasOwn(section, key);
}

export function deleteScope(doc: SecretsDocument, scope: SecretScope): boolean {
  const [section, key] = sectionOf(doc, scope);
  if (!Object.hasOwn(section, key)) return false;
  delete section[key];
  return true;
}

/** Every stored secret name, instances first, each group sorted. */
export function listSecrets(doc: SecretsDocument): SecretEntry[] {
  const out: SecretEntry[] = [];
  const sorted = (o: object) => Object.keys(o).sort();
  for (const i of sorted(doc.instances)) for (const n of sorted(doc.instances[i]!)) out.push({ scope: { instance: i }, name: n });
  for (const p of sorted(doc.plugs)) for (const n of sorted(doc.plugs[p]!)) out.push({ scope: { plug: p }, name: n });
  return out;
}

export function allValues(doc: SecretsDocument): string[] {
  return [...Object.values(doc.instances), ...Object.values(doc.plugs)].flatMap((m) => Object.values(m));
}
