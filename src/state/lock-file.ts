import * as fsp from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { VERSION } from "../util/version.js";
import { createLockFile, currentUser, readLockFile, removeLockFileIf } from "../util/lock-file.js";
import type { LockHandle, LockInfo, LockOptions, LockRequest, StateLocker } from "./backend.js";
import { lockedError, lockIdMismatch, type LockHolder } from "./lock-messages.js";
import { sleep } from "../util/sleep.js";
import { isAlive } from "../util/process.js";

/**
 * A lock file holding `LockInfo` as JSON, taken with an atomic exclusive create
 * (`util/lock-file`: the full content is written to a temp file, then hard-linked to the lock
 * path, so a reader never sees a half-written lock). Stale detection uses the recorded pid and
 * host (a zombie counts as dead).
 */
const LockInfoSchema = z.object({
  id: z.string(),
  operation: z.string(),
  who: z.string(),
  version: z.string(),
  created: z.string(),
  path: z.string(),
  pid: z.number().int(),
  host: z.string(),
});

type Holder = LockHolder | undefined;


/** Who takes a lock, and for what: the record a second client's error shows. */
export function newLockInfo(req: LockRequest, path: string): LockInfo {
  return {
    id: randomUUID(),
    operation: req.operation,
    who: req.who ?? currentUser(),
    version: VERSION,
    created: new Date().toISOString(),
    path,
    pid: process.pid,
    host: hostname(),
  };
}

export class FileLock implements StateLocker {
  constructor(
    readonly lockPath: string,
    /** The state location recorded in the lock (`path`). */
    readonly statePath: string,
  ) {}

  async lock(req: LockRequest, opts: LockOptions = {}): Promise<LockHandle> {
    const info = newLockInfo(req, this.statePath);
    const warnings: string[] = [];
    const timeoutMs = opts.timeoutMs ?? 0;
    const deadline = Date.now() + timeoutMs;
    let delay = 25;
    for (;;) {
      info.created = new Date().toISOString();
      const holder = await this._tryCreate(info);
      if (holder === "taken") break;
      if (!holder) continue; // the lock vanished between our create and our read: try again
      if ("info" in holder && holder.info.host === hostname() && !isAlive(holder.info.pid)) {
        if (await this._breakStale(holder.info.id)) {
          const h = holder.info;
          warnings.push(
            `Removed a stale state lock (ID ${h.id}, ${h.who}, operation "${h.operation}", since ${h.created}): ` +
              `its process ${h.pid} no longer runs on ${h.host}.`,
          );
        }
        continue;
      }
      if (opts.signal?.aborted) throw new MeshroomError("E_ABORTED", "Stopped waiting for the state lock.");
      const left = deadline - Date.now();
      if (left <= 0) throw lockedError(holder, this.lockPath, timeoutMs);
      await sleep(Math.min(delay, left), opts.signal);
      delay = Math.min(delay * 2, 500);
    }
    return { id: info.id, info, warnings, release: () => this.unlock(info.id) };
  }

  async unlock(id: string): Promise<void> {
    const holder = await this._read();
    if (!holder) return;
    if (!("info" in holder) || holder.info.id !== id) throw lockIdMismatch(id, holder, this.lockPath, "unlock");
    await fsp.rm(this.lockPath, { force: true });
  }

  async forceUnlock(id: string): Promise<void> {
    const holder = await this._read();
    if (!holder) {
      throw new MeshroomError("E_NOT_FOUND", `The state is not locked (no ${this.lockPath}).`, {
        detail: "Nothing to unlock.",
      });
    }
    if (!("info" in holder) || holder.info.id !== id) throw lockIdMismatch(id, holder, this.lockPath, "force-unlock");
    await fsp.rm(this.lockPath, { force: true });
  }

  async lockInfo(): Promise<LockInfo | undefined> {
    const h = await this._read();
    return h && "info" in h ? h.info : undefined;
  }

  /** "taken", or who holds the lock (undefined: it vanished before we could read it). */
  private async _tryCreate(info: LockInfo): Promise<"taken" | Holder> {
    const text = `${JSON.stringify(info, null, 2)}\n`;
    if (await createLockFile(this.lockPath, text, 0o644)) return "taken";
    return this._read();
  }

  private async _read(): Promise<Holder> {
    const text = await readLockFile(this.lockPath);
    if (text === undefined) return undefined;
    try {
      const parsed = LockInfoSchema.safeParse(JSON.parse(text));
      return parsed.success ? { info: parsed.data } : { unreadable: "it does not hold lock information" };
    } catch {
      return { unreadable: "it is not valid JSON" };
    }
  }

  /**
   * Moves the stale lock aside, then checks it is the one judged stale (another process may
   * have broken it and taken a fresh lock in between); if not, puts that one back.
   */
  private _breakStale(staleId: string): Promise<boolean> {
    return removeLockFileIf(this.lockPath, (text) => {
      try {
        return LockInfoSchema.safeParse(JSON.parse(text)).data?.id === staleId;
      } catch {
        return false;
      }
    });
  }
}
