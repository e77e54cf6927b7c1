import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { hookEnvironment } from "./hook-env.js";
import { killGroup } from "./run-command.js";
import { isAlive } from "../util/process.js";

export { isAlive };

export interface SpawnDetachedOptions {
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** The child's pid is written here. */
  pidFile: string;
  /** Set in the daemon's environment, on top of the base of `hookEnvironment()`. */
  env?: Record<string, string | undefined>;
  /** Names copied from meshroom's environment (a hook's `env` declaration). */
  declaredEnv?: readonly string[];
}

/**
 * Starts a long-running program (a daemon) that outlives meshroom: its own process group,
 * output appended to `logFile`, pid written to `pidFile` (both 0600). Its environment is a
 * hook's (`hookEnvironment`): a daemon keeps it in /proc/<pid>/environ for its whole life, so
 * meshroom's own credentials must never be in it. Uses node:child_process rather than
 * execa because execa's promise/stream machinery is meant for children we wait on.
 */
export async function spawnDetached(cmd: string, args: readonly string[], opts: SpawnDetachedOptions): Promise<{ pid: number }> {
  const existing = readPid(opts.pidFile);
  if (existing !== undefined && isAlive(existing)) {
    throw new MeshroomError("E_EXISTS", `\`${cmd}\` is already running (pid ${existing}, pid file ${opts.pidFile})`, {
      detail: "stop it first, or remove the pid file if that process is not the one meshroom started",
    });
  }
  mkdirSync(dirname(opts.logFile), { recursive: true });
  mkdirSync(dirname(opts.pidFile), { recursive: true });
  const env = hookEnvironment({ declared: opts.declaredEnv ?? [], set: opts.env ?? {} });
  const fd = openSync(opts.logFile, "a", 0o600);
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(cmd, [...args], {
        cwd: opts.cwd,
        env,
        detached: true,
        stdio: ["ignore", fd, fd],
      });
    } catch (e) {
      closeSync(fd);
      reject(new MeshroomError("E_EXEC", `could not start \`${cmd}\`: ${(e as Error).message}`, { cause: e }));
      return;
    }
    child.once("error", (e) => {
      closeSync(fd);
      reject(new MeshroomError("E_EXEC", `could not start \`${cmd}\`: ${e.message}`, { cause: e }));
    });
    child.once("spawn", () => {
      closeSync(fd);
      const pid = child.pid!;
      writeFileSync(opts.pidFile, `${pid}\n`, { mode: 0o600 });
      child.unref();
      resolve({ pid });
    });
  });
}

/** Reads a pid file; undefined when missing or not a pid. */
export function readPid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, "utf8").trim();
  } catch {
    return undefined;
  }
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}


/** True when the pid file names a live process. */
export function isProcessRunning(pidFile: string): boolean {
  const pid = readPid(pidFile);
  return pid !== undefined && isAlive(pid);
}

/**
 * Stops a process started by spawnDetached: SIGTERM to its process group, SIGKILL after
 * `graceMs` (default 5000), then removes the pid file. Returns false when it was not running.
 */
export async function stopProcess(pidFile: string, opts: { graceMs?: number } = {}): Promise<boolean> {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + (opts.graceMs ?? 5000);
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    killGroup(pid, "SIGKILL");
    const hard = Date.now() + 2000;
    while (isAlive(pid) && Date.now() < hard) await sleep(25);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
