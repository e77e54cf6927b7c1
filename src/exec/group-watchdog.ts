import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Makes a command's process group die with meshroom, even when meshroom is killed with
 * `kill -9` (no exit handler runs then). Node cannot ask the kernel for a parent-death signal
 * (prctl PR_SET_PDEATHSIG) without native code, so a tiny `sh` waits for end-of-file on a pipe
 * that only meshroom holds open: the kernel closes it when meshroom dies, however it dies, and
 * the watchdog then kills the group. It ignores terminal signals (meshroom handles Ctrl-C itself).
 *
 * The watchdog is started before the command, and the group's id is written to a file with a
 * synchronous write as soon as the spawn returns (a write to the pipe can sit in Node's buffers,
 * and be lost, if meshroom dies before the event loop turns). What remains unwatched is the few
 * milliseconds between the spawn and that write. When the command ends normally the watchdog is
 * killed first. Daemons that hooks start on purpose (spawnDetached) have no watchdog: they
 * outlive meshroom.
 */
// Builtins only between the end-of-file and the kill (no fork: a loaded machine forks slowly).
const SCRIPT = 'trap "" INT TERM HUP QUIT; read _; read g < "$1" 2>/dev/null; [ -n "$g" ] && kill -9 -"$g" 2>/dev/null; rm -f "$1"; rmdir "${1%/*}" 2>/dev/null';

export interface GroupWatchdog {
  /** The group to kill if meshroom dies (call right after the spawn, in the same turn). */
  watch(pgid: number): void;
  /** The command ended (or never started): stop watching; the group must not be killed later. */
  disarm(): void;
}

let dir: string | undefined;
let seq = 0;

export function startGroupWatchdog(): GroupWatchdog {
  let w: ChildProcess | undefined;
  let file: string | undefined;
  try {
    if (dir === undefined) {
      const made = mkdtempSync(join(tmpdir(), "meshroom-watch-")); // 0700: only this user can name a group to kill
      process.once("exit", () => rmSync(made, { recursive: true, force: true }));
      dir = made;
    }
    file = join(dir, `${process.pid}-${++seq}`);
    w = spawn("/bin/sh", ["-c", SCRIPT, "meshroom-watchdog", file], { stdio: ["pipe", "ignore", "ignore"] });
  } catch {
    w = undefined; // no /bin/sh or no temp dir: the exit handler in run-command.ts still covers normal exits
  }
  w?.on("error", () => undefined);
  w?.stdin?.on("error", () => undefined);
  w?.unref();
  (w?.stdin as unknown as { unref?: () => void } | null | undefined)?.unref?.();
  return {
    watch: (pgid) => {
      if (!w || !file) return;
      try {
        writeFileSync(file, `${pgid}\n`, { mode: 0o600 });
      } catch {
        // unwatched, as without a watchdog
      }
    },
    disarm: () => {
      w?.kill("SIGKILL");
      if (file) rmSync(file, { force: true });
    },
  };
}
