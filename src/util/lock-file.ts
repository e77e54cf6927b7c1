import * as fsp from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
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

/** A breaker file older than this is left by a process that died while breaking (it takes a moment). */
const BREAKER_STALE_MS = 10_000;
const BREAKER_WAIT_MS = 30_000;

/**
 * Removes the lock file if it is still the one judged stale (`same(text)` of the file now
 * there). Whoever removes a lock first holds `<path>.break` (created like a lock): the check and
 * the removal happen under it, so the file cannot change between the two (only a holder of the
 * breaker removes a lock, and a new lock is created only where there is none). Moving the file
 * aside to check it, as an earlier version did, left a moment with no lock at all in which a
 * third process could take one, and two processes then held the lock.
 * Returns true when removed.
 */
export async function removeLockFileIf(path: string, same: (text: string) => boolean): Promise<boolean> {
  const breaker = `${path}.break`;
  const deadline = Date.now() + BREAKER_WAIT_MS;
  while (!(await createLockFile(breaker, `${process.pid}\n`))) {
    try {
      const st = await fsp.stat(breaker);
      if (Date.now() - st.mtimeMs > BREAKER_STALE_MS) await fsp.rm(breaker, { force: true });
    } catch (e) {
      if (errCode(e) !== "ENOENT") throw e;
    }
    if (Date.now() > deadline) throw new Error(`cannot remove the lock ${path}: ${breaker} is held by another process; delete it if no meshroom runs`);
    await new Promise((r) => setTimeout(r, 5));
  }
  try {
    const text = await readLockFile(path);
    if (text === undefined || !same(text)) return false;
    await fsp.rm(path, { force: true });
    return true;
  } finally {
    await fsp.rm(breaker, { force: true });
  }
}

/** `user@host` of this process: how a lock names its holder for the error a second client sees. */
export function currentUser(): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME;
  }
  return `${user || "unknown"}@${hostname()}`;
}
