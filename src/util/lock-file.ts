import * as fsp from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { errCode } from "./atomic-write.js";

/**
 * The primitives of a lock file that carries its holder's record (the state lock, the intake
 * data-directory lock): created with its full content in one step, and broken only when it is
 * still the very file judged stale. Hand-written rather than a lock library because the file
 * must hold the holder's info (for messages, `force-unlock ID`, and the stale check by pid).
 */

/**
 * Creates `path` holding `text`, atomically and exclusively: the text goes to a temp file that
 * is fsynced, then hard-linked to `path` (link fails if `path` exists). A reader therefore never
 * sees an empty or half-written lock. Returns false when `path` already exists. On a filesystem
 * without hard links it falls back to an exclusive create (a crash mid-write leaves a partial file).
 */
export async function createLockFile(path: string, text: string, mode = 0o600): Promise<boolean> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const fh = await fsp.open(tmp, "wx", mode);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fsp.link(tmp, path);
      return true;
    } catch (e) {
      const code = errCode(e);
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw e;
    }
    try {
      await fsp.writeFile(path, text, { flag: "wx", mode });
      return true;
    } catch (e) {
      if (errCode(e) === "EEXIST") return false;
      throw e;
    }
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** The lock file's text, or undefined when there is none. */
export async function readLockFile(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, "utf8");
  } catch (e) {
    if (errCode(e) === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Removes the lock file if it is still the one judged stale (`same(text)` of the file now
 * there). Another process may have broken it and taken a fresh lock since: the file is moved
 * aside first, checked, and put back when it is not the stale one. Returns true when removed.
 */
export async function removeLockFileIf(path: string, same: (text: string) => boolean): Promise<boolean> {
  const aside = `${path}.stale.${randomUUID()}`;
  try {
    await fsp.rename(path, aside);
  } catch (e) {
    if (errCode(e) === "ENOENT") return false; // someone else removed it
    throw e;
  }
  let text: string | undefined;
  try {
    text = await fsp.readFile(aside, "utf8");
  } catch {
    text = undefined;
  }
  const stale = text !== undefined && same(text);
  if (!stale) await fsp.link(aside, path).catch(() => undefined);
  await fsp.rm(aside, { force: true });
  return stale;
}
