import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { startGroupWatchdog } from "./group-watchdog.js";
import { killGroup, trackGroup, untrackGroup, withParentDeathSignal } from "./run-command.js";

export interface ServiceProcessOptions {
  cwd: string;
  /** The whole environment (build it with hookEnvironment(): never meshroom's own). */
  env: Record<string, string>;
}

export interface ServiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Ends the process group (SIGKILL) now. */
  kill(): void;
}

/**
 * Starts a long-running helper that meshroom talks to over its stdin/stdout (the Python hook
 * host), with the protections of every command a hook runs (run-command.ts): its own process
 * group, killed when meshroom exits, `setpriv --pdeathsig KILL` where util-linux has it, and the
 * watchdog that kills the group even when meshroom is killed with `kill -9`. Unlike runCommand,
 * the caller owns the pipes and decides when it ends.
 */
export function startServiceProcess(cmd: string, args: readonly string[], opts: ServiceProcessOptions): ServiceProcess {
  const watchdog = process.platform === "win32" ? undefined : startGroupWatchdog();
  const [file, argv] = withParentDeathSignal(cmd, args);
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, detached: process.platform !== "win32", stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    watchdog?.disarm();
    throw new MeshroomError("E_EXEC", `could not start \`${cmd}\`: ${(e as Error).message}`, { cause: e });
  }
  const pid = child.pid;
  if (pid !== undefined) {
    watchdog?.watch(pid);
    trackGroup(pid);
  }
  const exited = new Promise<number | string>((resolve) => {
    const done = (code: number | string) => {
      if (pid !== undefined) untrackGroup(pid);
      watchdog?.disarm();
      resolve(code);
    };
    child.once("error", (e) => done(`error: ${e.message}`));
    child.once("exit", (code, signal) => done(code ?? signal ?? "unknown"));
  });
  return {
    child, pid: pid ?? -1, exited,
    kill: () => {
      if (pid !== undefined) killGroup(pid, "SIGKILL");
    },
  };
}

/** The absolute path of an executable named CMD on PATH (or CMD itself when it has a slash), or undefined. */
export function findExecutable(cmd: string, path: string | undefined = process.env.PATH): string | undefined {
  const runnable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (cmd.includes("/")) return runnable(cmd) ? cmd : undefined;
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, cmd);
    if (runnable(p)) return p;
  }
  return undefined;
}
