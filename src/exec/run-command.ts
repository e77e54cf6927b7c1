import { existsSync } from "node:fs";
import { MeshroomError } from "../errors/index.js";
import { redactText } from "../util/redact.js";
import { startGroupWatchdog } from "./group-watchdog.js";

export interface RunCommandOptions {
  cwd: string;
  /** Added to the current environment, or the whole environment when `extendEnv` is false. */
  env?: Record<string, string | undefined>;
  /** Default true; hooks' programs get false with `hookEnvironment()` as `env`. */
  extendEnv?: boolean;
  /** Written to the child's stdin, then closed. */
  input?: string;
  /** Kill the process tree and fail after this many milliseconds. */
  timeoutMs?: number;
  /** Kill the process tree and fail when aborted. */
  signal?: AbortSignal;
  /** Applied to every text put into an error message (default: the process-wide secret redaction). */
  redact?: (s: string) => string;
  /** When false, a non-zero exit returns its result instead of throwing (spawn failure, timeout, abort still throw). */
  rejectOnExitCode?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL on timeout/abort (default 2000). */
  graceMs?: number;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const STDERR_TAIL_LINES = 20;
const IS_WINDOWS = process.platform === "win32";

/**
 * util-linux's `setpriv --pdeathsig KILL` (Linux; essential in Debian) asks the kernel to kill the
 * command the moment meshroom dies, however it dies: no scheduling delay, unlike the watchdog, which
 * still kills the rest of the command's group (what the command itself started).
 */
const SETPRIV = process.platform === "linux" ? ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p)) : undefined;

/** The program and arguments that run CMD so that the kernel kills it when meshroom dies (setpriv), or CMD as it is. */
export function withParentDeathSignal(cmd: string, args: readonly string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ["--pdeathsig", "KILL", "--", cmd, ...args]] : [cmd, [...args]];
}
const SETPRIV_EXEC_FAILED = /^setpriv: failed to execute/m;

/** execa is loaded on first use: the CLI's cold start does not pay for it. */
let execaModule: Promise<typeof import("execa")> | undefined;
function loadExeca(): Promise<typeof import("execa")> {
  return (execaModule ??= import("execa"));
}

/** Process groups still running, killed if meshroom itself exits (detached children escape execa's cleanup). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
/** Kills the group PID if meshroom exits while it runs (until untrackGroup). */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const g of liveGroups) killGroup(g, "SIGKILL");
  });
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

export function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(IS_WINDOWS ? pid : -pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Runs a program and waits for it. The child runs in its own process group so that a timeout
 * or an abort kills everything it started (a shell script's `sleep` included), not just the
 * direct child; execa alone only signals the direct child. A watchdog kills that group if
 * meshroom dies first, even by `kill -9` (group-watchdog.ts): a command never outlives the run
 * that started it, so the next run cannot start it a second time while it still runs.
 */
export async function runCommand(cmd: string, args: readonly string[], opts: RunCommandOptions): Promise<CommandResult> {
  const redact = opts.redact ?? redactText;
  const shown = redact([cmd, ...args].map(quoteArg).join(" "));
  if (opts.signal?.aborted) throw new MeshroomError("E_EXEC", `\`${shown}\` was not started: the operation was aborted`);
  const { execa } = await loadExeca();
  const graceMs = opts.graceMs ?? 2000;
  const watchdog = IS_WINDOWS ? undefined : startGroupWatchdog();
  const [file, argv] = withParentDeathSignal(cmd, args);
  const sub = execa(file, argv, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    input: opts.input,
    stdin: opts.input === undefined ? "ignore" : "pipe",
    reject: false,
    detached: !IS_WINDOWS,
    cleanup: true,
    forceKillAfterDelay: graceMs,
    stripFinalNewline: false,
  });
  let stopped: "timeout" | "abort" | undefined;
  const stop = (why: "timeout" | "abort") => {
    if (stopped || sub.pid === undefined) return;
    stopped = why;
    killGroup(sub.pid, "SIGTERM");
    const pid = sub.pid;
    setTimeout(() => killGroup(pid, "SIGKILL"), graceMs).unref();
  };
  if (sub.pid !== undefined) watchdog?.watch(sub.pid);
  if (sub.pid !== undefined && !IS_WINDOWS) trackGroup(sub.pid);
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop("timeout"), opts.timeoutMs) : undefined;
  const onAbort = () => stop("abort");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const r = await sub;
    const stdout = toText(r.stdout);
    const stderr = toText(r.stderr);
    const tail = stderrTail(stderr, redact);
    if (stopped === "timeout") {
      throw new MeshroomError("E_EXEC", `\`${shown}\` timed out after ${formatMs(opts.timeoutMs ?? 0)} and was killed`, tail ? { detail: tail } : {});
    }
    if (stopped === "abort") {
      throw new MeshroomError("E_EXEC", `\`${shown}\` was aborted and killed`, tail ? { detail: tail } : {});
    }
    if (r.exitCode === undefined || (SETPRIV && r.exitCode === 127 && SETPRIV_EXEC_FAILED.test(stderr))) {
      const why =
        r.exitCode !== undefined ? redact(stderr.trim().replace(/^setpriv: /, ""))
        : r.signal ? `killed by ${r.signal}` : redact(r.originalMessage || r.shortMessage || "unknown error");
      throw new MeshroomError("E_EXEC", `could not run \`${shown}\`: ${why}`, {
        detail: `check that \`${redact(cmd)}\` is installed and on PATH, and that ${redact(opts.cwd)} exists`,
      });
    }
    if (r.exitCode !== 0 && opts.rejectOnExitCode !== false) {
      throw new MeshroomError("E_EXEC", `\`${shown}\` exited with code ${r.exitCode}`, tail ? { detail: tail } : {});
    }
    return { stdout, stderr, exitCode: r.exitCode };
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    if (sub.pid !== undefined) liveGroups.delete(sub.pid);
    watchdog?.disarm();
  }
}

/** The last lines of stderr, redacted, for an error's detail. */
export function stderrTail(stderr: string, redact: (s: string) => string = redactText): string {
  const lines = stderr.replace(/\s+$/, "").split("\n");
  const tail = lines.slice(-STDERR_TAIL_LINES).join("\n");
  return tail === "" ? "" : redact(tail);
}

function toText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "";
  return String(v);
}

function quoteArg(a: string): string {
  return /^[\w./:=@%+,-]+$/.test(a) ? a : JSON.stringify(a);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
