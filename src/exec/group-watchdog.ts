import { spawn, type ChildProcess } from "node:child_process";

/**
 * Makes a command's process group die with meshroom, even when meshroom is killed with
 * `kill -9` (no exit handler runs then). Node cannot ask the kernel for a parent-death signal
 * (prctl PR_SET_PDEATHSIG) without native code, so a tiny `sh` waits for end-of-file on a pipe
 * that only meshroom holds open: the kernel closes it when meshroom dies, however it dies, and
 * the watchdog then kills the group. It ignores terminal signals so that a Ctrl-C, which meshroom
 * handles itself, does not take it away. When the command ends normally it is killed first.
 * Daemons that hooks start on purpose (spawnDetached) have no watchdog: they outlive meshroom.
 */
const SCRIPT = 'trap "" INT TERM HUP QUIT; read _; kill -9 -"$1" 2>/dev/null';

export interface GroupWatchdog {
  /** The command ended: stop watching (the group must not be killed later). */
  disarm(): void;
}

export function watchGroup(pgid: number): GroupWatchdog {
  let w: ChildProcess | undefined;
  try {
    w = spawn("/bin/sh", ["-c", SCRIPT, "meshroom-watchdog", String(pgid)], { stdio: ["pipe", "ignore", "ignore"] });
  } catch {
    return { disarm: () => undefined }; // no /bin/sh: the exit handler in run-command.ts still covers normal exits
  }
  w.on("error", () => undefined);
  w.stdin?.on("error", () => undefined);
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    disarm: () => {
      w.kill("SIGKILL");
    },
  };
}
