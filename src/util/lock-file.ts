import * as fsp from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { dirname } from "node:path";
import { errCode } from "./atomic-write.js";

/**
 * Primitives of a lock file that carries its holder's record (the state lock, the secrets
 * lock): an atomic exclusive create of the full content, a read, and the safe removal of a lock
 * judged stale. What the record holds, and when a holder is stale, is the caller's business.
 */

/**
 * Creates `path` holding `text`, or finds it taken. The text goes to a temp file that is then
 * hard-linked to `path` (link fails if the lock exists, and a reader never sees a half-written
 * lock); where hard links are not supported, an exclusive create is used instead (a crash
 * mid-write may then leave an unreadable lock).
 */
export async function createLockFile(path: string, text: string): Promise<"taken" | "exists"> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await fsp.writeFile(tmp, text, { flag: "wx" });
    try {
      await fsp.link(tmp, path);
      return "taken";
    } catch (e) {
      const code = errCode(e);
      if (code === "EEXIST") return "exists";
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw e;
    }
    try {
      await fsp.writeFile(path, text, { flag: "wx" });
      return "taken";
    } catch (e) {
      if (errCode(e) === "EEXIST") return "exists";
      throw e;
    }
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** The lock file's text, or undefined when there is no lock. */
export async function readLockFile(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, "utf8");
  } catch (e) {
    if (errCode(e) === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Removes a lock judged stale: moves it aside, then checks (`isTheStaleOne`, given the moved
 * file's text or undefined when unreadable) that it is the one judged stale — another process may
 * have broken it and taken a fresh lock in between — and if not, puts that one back.
 * Returns whether the stale lock was removed.
 */
export async function removeStaleLockFile(path: string, isTheStaleOne: (text: string | undefined) => boolean): Promise<boolean> {
  const aside = `${path}.stale.${randomUUID()}`;
  try {
    await fsp.rename(path, aside);
  } catch (e) {
    if (errCode(e) === "ENOENT") return false; // someone else removed it: just retry
    throw e;
  }
  const text = await fsp.readFile(aside, "utf8").catch(() => undefined);
  const stale = isTheStaleOne(text);
  if (!stale) await fsp.link(aside, path).catch(() => undefined);
  await fsp.rm(aside, { force: true });
  return stale;
}
