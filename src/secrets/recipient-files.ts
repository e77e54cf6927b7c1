import { mkdir, readFile, unlink } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Key } from "openpgp";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { errorText } from "./error-text.js";
import type { OpenPGP } from "./openpgp.js";
import { RECIPIENTS_DIR, recipientsDirPath } from "./paths.js";
import {
  describeKey,
  fingerprintMatches,
  parsePublicKeys,
  readRecipients,
  recipientFileName,
  type RecipientInfo,
} from "./recipients.js";

/** Puts the recipient files back as they were (used when re-encryption fails). */
export type FileUndo = () => Promise<void>;

/**
 * Writes the public key(s) of `source` to `recipients/<name>.asc` (public part only). A file
 * already inside `recipients/` is used in place; a key already present is not copied again.
 */
export async function addRecipientFile(
  pgp: OpenPGP,
  projectRoot: string,
  source: string,
  preferredName?: string,
): Promise<{ added: RecipientInfo[]; undo: FileUndo }> {
  let armored: string;
  try {
    armored = await readFile(source, "utf8");
  } catch (e) {
    throw new MeshroomError("E_NOT_FOUND", `cannot read ${source}`, { detail: errorText(e), cause: e });
  }
  const keys = await parsePublicKeys(pgp, armored, source);
  const dir = recipientsDirPath(projectRoot);
  const inPlace = relative(dir, resolve(source));
  if (!inPlace.startsWith("..") && !/[\\/]/.test(inPlace) && inPlace.endsWith(".asc")) {
    const rel = `${RECIPIENTS_DIR}/${inPlace}`;
    return { added: keys.map((k) => describeKey(k, rel)), undo: async () => undefined };
  }
  return addRecipientKeys(pgp, projectRoot, keys, preferredName);
}

/** Writes public keys not yet present to a new `recipients/<name>.asc`. */
export async function addRecipientKeys(
  pgp: OpenPGP,
  projectRoot: string,
  keys: Key[],
  preferredName?: string,
): Promise<{ added: RecipientInfo[]; undo: FileUndo }> {
  const existing = await readRecipients(pgp, projectRoot);
  const known = new Map(existing.map((r) => [r.info.fingerprint, r.info]));
  const fresh = keys.filter((k) => !known.has(k.getFingerprint().toUpperCase()));
  if (fresh.length === 0) {
    return { added: keys.map((k) => known.get(k.getFingerprint().toUpperCase())!), undo: async () => undefined };
  }
  const taken = new Set(existing.map((r) => r.info.file));
  let name = recipientFileName(fresh[0]!, preferredName);
  if (taken.has(`${RECIPIENTS_DIR}/${name}`)) name = name.replace(/\.asc$/, `-${fresh[0]!.getFingerprint().slice(-16).toUpperCase()}.asc`);
  const rel = `${RECIPIENTS_DIR}/${name}`;
  const path = join(recipientsDirPath(projectRoot), name);
  await mkdir(recipientsDirPath(projectRoot), { recursive: true });
  await writeFileAtomic(path, fresh.map((k) => k.toPublic().armor()).join("\n"));
  return { added: fresh.map((k) => describeKey(k, rel)), undo: () => unlink(path).catch(() => undefined) };
}

/**
 * Removes the key(s) matching `fingerprint` from `recipients/`: a file left with no key is
 * deleted, a file with other keys is rewritten without it. Refuses to remove the last recipient.
 */
export async function removeRecipientKeys(
  pgp: OpenPGP,
  projectRoot: string,
  fingerprint: string,
): Promise<{ removed: RecipientInfo[]; undo: FileUndo }> {
  const all = await readRecipients(pgp, projectRoot);
  const removed = all.filter((r) => fingerprintMatches(r.info.fingerprint, fingerprint));
  if (removed.length === 0) {
    throw new MeshroomError("E_NOT_FOUND", `no recipient has the fingerprint ${fingerprint}`, {
      detail: "List them with `meshroom secrets recipients list`.",
    });
  }
  if (removed.length === all.length) {
    throw new MeshroomError("E_SECRETS", "cannot remove the last recipient: nobody could decrypt the secrets", {
      detail: "Add the new recipient first (`meshroom secrets recipients add FILE.asc`), then remove this one.",
    });
  }
  const gone = new Set(removed.map((r) => r.info.fingerprint));
  const files = [...new Set(removed.map((r) => r.info.file))];
  const backups = new Map<string, string>();
  for (const rel of files) {
    const path = join(projectRoot, rel);
    const text = await readFile(path, "utf8");
    backups.set(path, text);
    const keep = (await parsePublicKeys(pgp, text, rel)).filter((k) => !gone.has(k.getFingerprint().toUpperCase()));
    if (keep.length === 0) await unlink(path);
    else await writeFileAtomic(path, keep.map((k) => k.armor()).join("\n"));
  }
  const undo: FileUndo = async () => {
    for (const [path, text] of backups) await writeFileAtomic(path, text);
  };
  return { removed: removed.map((r) => r.info), undo };
}
