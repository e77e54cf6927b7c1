import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { hostname } from "node:os";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { createLockFile, currentUser, readLockFile, removeLockFileIf } from "../util/lock-file.js";
import { isAlive } from "../util/process.js";
import { sleep } from "../util/sleep.js";
import { SECRETS_LOCK_FILE, secretsLockPath } from "./paths.js";

/**
 * The exclusive lock every writer of `secrets.gpg` holds while it re-reads, merges and replaces
 * the file: `secrets.gpg.lock`, created atomically with its holder's record. Held for one
 * read-merge-encrypt-write (well under a second), never while a hook runs or a prompt waits.
 * A lock left by a dead process on this host is broken; otherwise writers wait, then give up
 * naming the holder.
 */
const HolderSchema = z.object({ id: z.string(), pid: z.number().int(), host: z.string(), who: z.string(), created: z.string() });
type Holder = z.infer<typeof HolderSchema>;

/** How long a writer waits for another to finish (default 30 s). */
export const SECRETS_LOCK_WAIT_MS = 30_000;

export async function withSecretsLock<T>(projectRoot: string, fn: () => Promise<T>, waitMs = SECRETS_LOCK_WAIT_MS): Promise<T> {
  const path = secretsLockPath(projectRoot);
  const me: Holder = { id: randomUUID(), pid: process.pid, host: hostname(), who: currentUser(), created: "" };
  const deadline = Date.now() + waitMs;
  let delay = 10;
  for (;;) {
    me.created = new Date().toISOString();
    if (await createLockFile(path, `${JSON.stringify(me, null, 2)}\n`, 0o600)) break;
    const text = await readLockFile(path);
    if (text === undefined) continue; // released between our create and our read
    const holder = parseHolder(text);
    if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
      await removeLockFileIf(path, (t) => parseHolder(t)?.id === holder.id);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockedError(holder, path, waitMs);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    // ours unless someone broke it (they judged us dead): then it is theirs, leave it
    const text = await readLockFile(path).catch(() => undefined);
    if (text !== undefined && parseHolder(text)?.id === me.id) await rm(path, { force: true });
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    return HolderSchema.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined;
  }
}

function lockedError(holder: Holder | undefined, path: string, waitMs: number): MeshroomError {
  const waited = `Waited ${Math.round(waitMs / 1000)}s for it.`;
  if (!holder) {
    return new MeshroomError("E_SECRETS", `${SECRETS_LOCK_FILE} is held, but it cannot be read (${path})`, {
      detail: `${waited} If no meshroom process is running, delete ${path} and run the command again. Nothing was written.`,
    });
  }
  return new MeshroomError(
    "E_SECRETS",
    `the secrets store is locked by ${holder.who} (process ${holder.pid} on ${holder.host}, since ${holder.created})`,
    {
      detail:
        `${waited} A meshroom process writing secrets holds ${SECRETS_LOCK_FILE} for a moment only; run the command again ` +
        `when it is done. If process ${holder.pid} on ${holder.host} is not a running meshroom, delete ${path}. Nothing was written.`,
    },
  );
}

