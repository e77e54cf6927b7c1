import { MeshroomError } from "../errors/index.js";
import type { LockInfo } from "./backend.js";

/** Who holds a lock, as found by a backend: its info, or why it could not be read. */
export type LockHolder = { info: LockInfo } | { unreadable: string };

/** The one-line description of a holder used in every lock message. */
export function describeHolder(info: LockInfo): string {
  return `${info.who} (operation "${info.operation}", since ${info.created}, lock ID ${info.id})`;
}

/**
 * E_STATE_LOCKED naming the holder and the command that removes the lock. `where` is the
 * lock's location (a file, a table row) for the detail; `waitedMs` > 0 when --lock-timeout was used.
 */
export function lockedError(holder: LockHolder, where: string, waitedMs: number): MeshroomError {
  const waited = waitedMs > 0 ? `Waited ${formatMs(waitedMs)} for it. ` : "Wait for it with --lock-timeout, or: ";
  if ("info" in holder) {
    const h = holder.info;
    return new MeshroomError(
      "E_STATE_LOCKED",
      `The state is locked by ${describeHolder(h)}. If no other meshroom is using it, run: meshroom force-unlock ${h.id}`,
      {
        detail:
          `${waited}The lock (${where}) was taken by meshroom ${h.version}, process ${h.pid} on ${h.host}, for ${h.path}. ` +
          "Force-unlocking while that process still runs can corrupt the state.",
      },
    );
  }
  return new MeshroomError("E_STATE_LOCKED", `The state is locked, but the lock ${where} cannot be read: ${holder.unreadable}.`, {
    detail: `${waited}If no other meshroom is running, delete ${where} and retry.`,
  });
}

/** E_STATE: the id given does not match the lock in place. */
export function lockIdMismatch(id: string, holder: LockHolder, where: string, action: string): MeshroomError {
  const held = "info" in holder ? `held by ${describeHolder(holder.info)}` : `unreadable (${holder.unreadable})`;
  return new MeshroomError("E_STATE", `Cannot ${action} lock ID ${id}: the state lock is ${held}.`, {
    detail:
      "info" in holder
        ? `Check the ID; \`meshroom force-unlock ${holder.info.id}\` removes the lock in place.`
        : `If no other meshroom is running, delete ${where} and retry.`,
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s` : `${ms}ms`;
}
