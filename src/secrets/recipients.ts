import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Key } from "openpgp";
import { MeshroomError } from "../errors/index.js";
import type { OpenPGP } from "./openpgp.js";
import { RECIPIENTS_DIR, recipientsDirPath } from "./paths.js";
import { armorBlocks } from "./armor.js";
import { errorText } from "./error-text.js";

/** One public key the store is encrypted to. */
export interface RecipientInfo {
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
  userIds: string[];
  /** Path relative to the project, e.g. `recipients/alice.asc`. */
  file: string;
}

export interface Recipient {
  info: RecipientInfo;
  key: Key;
}

/** Reads and checks every key in `recipients/*.asc` (sorted by file name, deduplicated by fingerprint). */
export async function readRecipients(pgp: OpenPGP, projectRoot: string): Promise<Recipient[]> {
  const dir = recipientsDirPath(projectRoot);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".asc")).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new MeshroomError("E_SECRETS", `cannot read ${dir}`, { detail: errorText(e), cause: e });
  }
  const out: Recipient[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const rel = `${RECIPIENTS_DIR}/${name}`;
    const keys = await parsePublicKeys(pgp, await readFile(join(dir, name), "utf8"), rel);
    for (const key of keys) {
      const info = describeKey(key, rel);
      if (seen.has(info.fingerprint)) continue;
      seen.add(info.fingerprint);
      out.push({ info, key });
    }
  }
  return out;
}

/** Parses armored public keys, refusing private keys (they must never sit in the repo) and keys that cannot encrypt. */
export async function parsePublicKeys(pgp: OpenPGP, armored: string, file: string): Promise<Key[]> {
  const keys: Key[] = [];
  try {
    for (const block of armorBlocks(armored)) keys.push(...(await pgp.readKeys({ armoredKeys: block })));
  } catch (e) {
    throw new MeshroomError("E_SECRETS", `${file} does not hold an armored OpenPGP public key`, {
      detail: `Export one with \`gpg --export --armor <id>\`. (${errorText(e)})`,
      cause: e,
    });
  }
  for (const key of keys) {
    if (key.isPrivate()) {
      throw new MeshroomError("E_SECRETS", `${file} holds a private key`, {
        detail: "Only public keys belong in recipients/: export one with `gpg --export --armor <id>`.",
      });
    }
    try {
      await key.getEncryptionKey();
    } catch (e) {
      throw new MeshroomError("E_SECRETS", `key ${key.getFingerprint().toUpperCase()} in ${file} cannot encrypt`, {
        detail: `It may be expired, revoked or have no encryption subkey. (${errorText(e)})`,
        cause: e,
      });
    }
  }
  return keys;
}

export function describeKey(key: Key, file: string): RecipientInfo {
  return { fingerprint: key.getFingerprint().toUpperCase(), userIds: key.getUserIDs(), file };
}

/** Normalizes a user-typed fingerprint or key ID: upper-case hex, no spaces, no `0x`. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/\s+/g, "").replace(/^0x/i, "").toUpperCase();
}

/** A fingerprint matches the full fingerprint or a long (16 hex) / short key ID suffix of at least 8 digits. */
export function fingerprintMatches(fingerprint: string, query: string): boolean {
  const q = normalizeFingerprint(query);
  return q.length >= 8 && /^[0-9A-F]+$/.test(q) && fingerprint.endsWith(q);
}

/** `recipients/<name>.asc` for a key: the user ID's name (sanitized) or, without one, the fingerprint. */
export function recipientFileName(key: Key, preferred?: string): string {
  const uidName = key.users.map((u) => u.userID?.name || u.userID?.email || "").find((s) => s !== "");
  const base = slug(preferred ?? uidName ?? "");
  return `${base !== "" ? base : key.getFingerprint().toUpperCase()}.asc`;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64);
}
