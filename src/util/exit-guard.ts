/**
 * Hooks written in TypeScript run inside meshroom's process. A hook that calls `process.exit()`
 * (or `process.abort()`, `process.reallyExit()`) would end meshroom mid-apply with whatever exit
 * code it chose: no state saved, the lock left behind. While at least one hook runs, those calls
 * throw instead (an error marked as an exit attempt), so the hook fails like any hook that throws;
 * meshroom's own exits go through `exitNow`. Counted, because hooks run in parallel.
 */
import { MeshroomError } from "../errors/index.js";

const ATTEMPT = Symbol.for("meshroom.exit-guard.attempt");

type Exit = (code?: number | string | null) => never;
type Abort = () => never;
interface ExitFns {
  exit: Exit;
  abort: Abort;
  reallyExit: ((code?: number) => never) | undefined;
}

let active = 0;
let saved: ExitFns | undefined;
/** Fails the hooks running now; used for an exit attempt nobody caught (from a hook's timer or callback). */
const strayHandlers = new Set<(e: MeshroomError) => void>();

function attempt(call: string): never {
  const e = new MeshroomError("E_HOOK_FAILED", `it called ${call}: a hook must not end meshroom (throw an error to fail, return to succeed)`);
  (e as unknown as Record<symbol, boolean>)[ATTEMPT] = true;
  throw e;
}

function install(): void {
  const p = process as unknown as ExitFns & Record<string, unknown>;
  saved = { exit: p.exit, abort: p.abort, reallyExit: p.reallyExit };
  p.exit = ((code?: number | string | null) => attempt(`process.exit(${code === undefined ? "" : String(code)})`)) as Exit;
  p.abort = (() => attempt("process.abort()")) as Abort;
  if (saved.reallyExit) p.reallyExit = ((code?: number) => attempt(`process.reallyExit(${code ?? ""})`)) as (code?: number) => never;
}

function uninstall(): void {
  if (!saved) return;
  const p = process as unknown as ExitFns & Record<string, unknown>;
  p.exit = saved.exit;
  p.abort = saved.abort;
  if (saved.reallyExit) p.reallyExit = saved.reallyExit;
  saved = undefined;
}

/**
 * Guards process exits until the returned function is called (once the hook settled).
 * `onStrayExit` is told when an exit attempt escaped every hook's promise chain while it ran.
 */
export function guardExits(onStrayExit: (e: MeshroomError) => void): () => void {
  if (active++ === 0) install();
  strayHandlers.add(onStrayExit);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    strayHandlers.delete(onStrayExit);
    if (--active === 0) uninstall();
  };
}

/** True for the error a guarded exit call threw. */
export function isExitAttempt(e: unknown): e is MeshroomError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[ATTEMPT] === true;
}

/**
 * An exit attempt nobody caught (thrown from a hook's timer or callback, so it reached
 * `uncaughtException`): fails every hook running now, since which one did it is unknown.
 * Returns false when no hook is running (the caller then treats it as any uncaught error).
 */
export function failRunningHooks(e: MeshroomError): boolean {
  if (strayHandlers.size === 0) return false;
  const err = new MeshroomError("E_HOOK_FAILED", e.message.replace(/^it /, "a callback of one of the hooks running at that moment "), { cause: e });
  (err as unknown as Record<symbol, boolean>)[ATTEMPT] = true;
  for (const h of [...strayHandlers]) h(err);
  return true;
}

/** meshroom's own exit (the CLI's second Ctrl-C, a crash report): never intercepted. */
export function exitNow(code: number): never {
  uninstall();
  active = 0;
  return process.exit(code);
}
