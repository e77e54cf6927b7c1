import { readFileSync } from "node:fs";

/**
 * True when a process with this pid runs (EPERM: it exists but belongs to another user). A
 * zombie — exited but not yet reaped by its parent, as happens in a container without an init
 * — does not run: it is dead (Linux: state Z or X in /proc/<pid>/stat).
 */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 and negatives address process groups
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const state = procStat(pid)?.[0];
  return state !== "Z" && state !== "X" && state !== "x";
}

/**
 * When the process started, as an opaque token (Linux: clock ticks since boot, field 22 of
 * /proc/<pid>/stat), or undefined where unknown. A lock records it next to the pid, so a pid
 * reused by an unrelated process is not taken for the holder.
 */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return procStat(pid)?.[19];
}

/** The fields of /proc/<pid>/stat after the command name (state first), or undefined. */
function procStat(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // the command name is in parentheses and may itself hold spaces or ')'
  const end = text.lastIndexOf(")");
  return end < 0 ? undefined : text.slice(end + 1).trim().split(/\s+/);
}
