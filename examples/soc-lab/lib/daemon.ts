// Daemons of the lab: started in the foreground inside the lab's network namespace, in their
// own process group, detached from meshroom (they outlive the `meshroom apply` that starts them),
// with <run>/<name>.pid and <run>/<name>.log. A daemon is "ours" only when its pid is alive and
// its command line names its config file: a recycled pid is never mistaken for it.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { HookExec, HookLog } from "meshroom/hooks";
import { clearRunDir, ensureDir, inNetns, listeningPorts, NETNS, readText, releaseNetns, runDir, sleep } from "./lab.js";

const STOP_TIMEOUT_MS = 15_000;

export interface DaemonSpec {
  /** The instance that owns it (its run folder). */
  instance: string;
  /** Short name: pid and log files are <name>.pid / <name>.log. */
  name: string;
  cmd: string;
  args: string[];
  /** A string its command line contains (its config file path). */
  marker: string;
  /**
   * The pid file the daemon writes itself, if any (rsyslogd -i). It outlives a SIGKILL, and a
   * daemon that refuses to start while the pid in it is alive (rsyslogd does) is then blocked by a
   * zombie not reaped yet or a recycled pid: removed before each start, once ours is not running.
   */
  ownPidFile?: string;
}

export function pidFile(d: Pick<DaemonSpec, "instance" | "name">): string {
  return runDir(d.instance, `${d.name}.pid`);
}

export function logFile(d: Pick<DaemonSpec, "instance" | "name">): string {
  return runDir(d.instance, `${d.name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True while `pid` runs: alive and not a zombie waiting to be reaped. Unlike isOurs, it does not
 * read the command line, which is briefly empty while `ip netns exec` execs the daemon: right
 * after a start, that would look like an exit.
 */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return !existsSync("/proc/self/stat");
  // the state follows the command name, which is in parentheses and may itself hold ")"
  return stat.slice(stat.lastIndexOf(")") + 2).charAt(0) !== "Z";
}

/** True when `pid` is alive and (where /proc exists) its command line contains `marker`. */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  if (!existsSync("/proc/self/cmdline")) return true;
  const cmdline = readText(`/proc/${pid}/cmdline`);
  // zombies have an empty command line: not running any more
  return cmdline !== undefined && cmdline.replace(/\0/g, " ").includes(marker);
}

/** The pid of the running daemon, or undefined. */
export function runningPid(d: Pick<DaemonSpec, "instance" | "name" | "marker">): number | undefined {
  const text = readText(pidFile(d));
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 && isOurs(pid, d.marker) ? pid : undefined;
}

/** Starts the daemon inside the namespace; resolves with its pid once it is spawned. */
export function startDaemon(d: DaemonSpec): Promise<number> {
  ensureDir(runDir(d.instance));
  const running = runningPid(d);
  if (running !== undefined) return Promise.reject(new Error(`${d.name} already runs (pid ${running}): stop it first`));
  if (d.ownPidFile !== undefined) rmSync(d.ownPidFile, { force: true });
  const fd = openSync(logFile(d), "a", 0o600);
  const [cmd, args] = inNetns(d.cmd, d.args);
  return new Promise((resolvePid, reject) => {
    const child = spawn(cmd, args, { cwd: runDir(d.instance), detached: true, stdio: ["ignore", fd, fd], env: daemonEnv() });
    child.once("error", (e) => {
      closeSync(fd);
      reject(new Error(`could not start ${d.name}: ${e.message}`));
    });
    child.once("spawn", () => {
      closeSync(fd);
      const pid = child.pid as number;
      writeFileSync(pidFile(d), `${pid}\n`, { mode: 0o600 });
      child.unref();
      resolvePid(pid);
    });
  });
}

/**
 * A daemon's environment: PATH, HOME, the locale, TZ and TMPDIR, as meshroom gives the programs
 * hooks start (ctx.exec, ctx.startDaemon), not meshroom's own: a daemon keeps its environment in
 * /proc/<pid>/environ for its whole life, and meshroom's holds its passphrase.
 */
function daemonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|TZ|TMPDIR|LC_[A-Z]+)$/.test(k)) env[k] = v;
  }
  return env;
}

/** SIGTERM to the daemon's process group, wait; SIGKILL when it does not stop in time. */
export async function stopDaemon(d: Pick<DaemonSpec, "instance" | "name" | "marker">): Promise<boolean> {
  const pid = runningPid(d);
  rmSync(pidFile(d), { force: true });
  if (pid === undefined) return false;
  await stopPid(pid, d.name);
  return true;
}

/** SIGTERM to `pid`'s process group (or the pid alone), then SIGKILL when it does not stop in time. */
async function stopPid(pid: number, name: string): Promise<void> {
  const signalGroup = (sig: NodeJS.Signals) => {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, sig);
        return;
      } catch {
        // try the pid alone, or it is gone
      }
    }
  };
  signalGroup("SIGTERM");
  if (await exited(pid, STOP_TIMEOUT_MS)) return;
  signalGroup("SIGKILL");
  if (!(await exited(pid, 3000))) throw new Error(`${name} (pid ${pid}) did not stop, even after SIGKILL`);
}

async function exited(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Size of the daemon's log now: wait for lines written after this offset. */
export function logOffset(d: Pick<DaemonSpec, "instance" | "name">): number {
  try {
    return statSync(logFile(d)).size;
  } catch {
    return 0;
  }
}

export function logSince(d: Pick<DaemonSpec, "instance" | "name">, offset: number): string {
  try {
    return readFileSync(logFile(d)).subarray(offset).toString("utf8");
  } catch {
    return "";
  }
}

export function logTail(d: Pick<DaemonSpec, "instance" | "name">, lines = 15): string {
  const text = readText(logFile(d)) ?? "(no log)";
  return text.split("\n").slice(-lines).join("\n");
}

/**
 * Waits until `ready()` says so, failing early (with the log's tail) when the daemon exits.
 * `ready` typically checks ports inside the namespace or a line in the log.
 */
export async function waitUntil(
  d: DaemonSpec, pid: number, ready: () => Promise<boolean>, opts: { timeoutMs: number; signal: AbortSignal; what: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    opts.signal.throwIfAborted();
    if (await ready()) return;
    if (!isRunning(pid)) throw new Error(`${d.name} exited before ${opts.what}; the end of ${logFile(d)}:\n${logTail(d)}`);
    await sleep(200, opts.signal);
  }
  throw new Error(`${d.name} did not get to ${opts.what} within ${opts.timeoutMs / 1000} s; the end of ${logFile(d)}:\n${logTail(d)}`);
}

/** A `ready` check: every port listed ("tcp:8080", "udp:5514") listens inside the namespace. */
export function portsListening(exec: HookExec, ports: readonly string[]): () => Promise<boolean> {
  return async () => {
    const open = await listeningPorts(exec);
    return ports.every((p) => open.has(p));
  };
}

/** Starts a daemon and waits until it is ready; stops it again if it never gets there. */
export async function startAndWait(
  d: DaemonSpec, ready: (pid: number) => () => Promise<boolean>, opts: { timeoutMs: number; signal: AbortSignal; what: string },
): Promise<number> {
  const pid = await startDaemon(d);
  try {
    await waitUntil(d, pid, ready(pid), opts);
    return pid;
  } catch (e) {
    // the pid just started, not runningPid(): its command line may still be changing (see isRunning)
    if (isRunning(pid)) await stopPid(pid, d.name).catch(() => undefined);
    rmSync(pidFile(d), { force: true });
    throw e;
  }
}

/**
 * The body of a daemon product's teardownInstance hook: stops the daemon, removes its instance's
 * run files (logs kept) and leaves the namespace (the last one out deletes it).
 */
export async function stopInstance(exec: HookExec, log: HookLog, d: Pick<DaemonSpec, "instance" | "name" | "marker">, label: string): Promise<void> {
  const stopped = await stopDaemon(d);
  log.info(stopped ? `stopped ${label}` : `${label} was not running`);
  clearRunDir(d.instance);
  if (await releaseNetns(exec, d.instance)) log.info(`deleted the network namespace ${NETNS}`);
}
