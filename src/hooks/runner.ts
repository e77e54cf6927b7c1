import { MeshroomError, isMeshroomError } from "../errors/index.js";
import type { HookDescriptor } from "../model/index.js";
import { guardExits, isExitAttempt } from "../util/exit-guard.js";
import { redactText } from "../util/redact.js";
import { buildHookContext, checkHookInput, type HookInput, type HookRunOptions } from "./context.js";
import { toPlainJson } from "./plain-json.js";
import type { HookEntry } from "./registry.js";
import type { HookResult } from "./results.js";

/** The result checks (zod): loaded by the first hook run, so commands that only list hooks never load zod. */
let results: typeof import("./results.js") | undefined;

/**
 * Calls one hook: builds its context, gives it a signal that aborts on the caller's signal or
 * after the hook's timeout, validates its result for its kind, and turns any failure into a
 * MeshroomError naming the hook, where it comes from and the address (original error as cause).
 */
export async function runHook(entry: HookEntry, input: HookInput, opts: HookRunOptions): Promise<HookResult> {
  const d = entry.descriptor;
  if (d.kind === "watch") throw new MeshroomError("E_INTERNAL", `hook '${d.title}' is a watch hook: use runWatch`);
  checkHookInput(entry, input);
  const redact = opts.redact ?? redactText;
  const who = () => `hook '${redact(d.title)}' (${describeHookOrigin(d)})`;
  if (opts.signal?.aborted) throw new MeshroomError("E_ABORTED", `${who()} was not run for ${opts.address}: the operation was interrupted`);

  // The stop reasons are built only when a hook is stopped: an error (with its stack) per call
  // would dominate the cost of applying thousands of quick hooks.
  const ctl = new AbortController();
  const outer = opts.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  let leaveExitGuard: (() => void) | undefined;
  let raw: unknown;
  try {
    const ctx = buildHookContext(entry, input, opts, ctl.signal);
    raw = await new Promise<unknown>((resolve, reject) => {
      // Rejected before the hook's own abort listeners run, so the stop reason wins the race.
      const halt = (reason: MeshroomError) => {
        reject(reason);
        ctl.abort(reason);
      };
      timer = setTimeout(() => halt(new MeshroomError("E_HOOK_TIMEOUT", `hook '${redact(d.title)}' for ${opts.address} timed out after ${d.timeout}s`, {
        detail: `raise its \`timeout\` option (seconds) in ${d.source} if it needs longer`,
      })), d.timeout * 1000);
      if (outer) {
        onAbort = () => halt(new MeshroomError("E_ABORTED", `${who()} for ${opts.address} was interrupted`));
        outer.addEventListener("abort", onAbort, { once: true });
      }
      // While it runs, process.exit() & co. throw: ending meshroom is a failure of this hook, and
      // one called from a stray callback fails the hooks running then (see util/exit-guard.ts).
      leaveExitGuard = guardExits(halt);
      Promise.resolve().then(() => entry.fn(ctx)).then(resolve, reject);
    });
  } catch (e) {
    if (ctl.signal.aborted) {
      const reason: unknown = ctl.signal.reason;
      throw isExitAttempt(reason) ? hookFailure(d, opts.address, reason, redact) : reason;
    }
    throw hookFailure(d, opts.address, e, redact);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener("abort", onAbort);
    leaveExitGuard?.();
  }
  // Converted to plain JSON once, here: what cannot be stored fails this hook, not a later state save.
  const plain = raw === undefined ? { ok: true as const, value: undefined } : toPlainJson(raw);
  if (!plain.ok) {
    throw new MeshroomError("E_HOOK_FAILED", `${who()} returned a result that cannot be stored for ${opts.address}: ${redact(plain.problem)}`, {
      detail: `hook results are saved in the state file as JSON: return plain data (strings, finite numbers, booleans, null, arrays, objects); declared in ${d.source}`,
    });
  }
  const result = (results ??= await import("./results.js")).parseHookResult(d.kind, plain.value);
  if (typeof result === "string") {
    throw new MeshroomError("E_HOOK_FAILED", `${who()} ${redact(result)} for ${opts.address}`, { detail: `declared in ${d.source}` });
  }
  return result;
}

/** `myedr → sekoia, consumer events` / `myedr`: which product/integration a hook belongs to. */
export function describeHookOrigin(d: HookDescriptor): string {
  let s = d.target ? `${d.product} → ${d.target}` : d.product;
  const what = [d.role, d.topic, d.mode, d.format].filter((x) => x !== undefined).join(" ");
  if (what) s += `, ${what}`;
  return s;
}

/** Wraps whatever a hook threw as E_HOOK_FAILED (message redacted, original kept as `cause`). */
export function hookFailure(d: HookDescriptor, address: string, e: unknown, redact: (s: string) => string = redactText): MeshroomError {
  const msg = isMeshroomError(e) ? e.message : e instanceof Error ? e.message : String(e);
  const detailParts: string[] = [];
  if (isMeshroomError(e) && e.detail) detailParts.push(redact(e.detail));
  detailParts.push(`declared in ${d.source}; run with --debug for the stack`);
  return new MeshroomError("E_HOOK_FAILED", `hook '${redact(d.title)}' (${describeHookOrigin(d)}) failed for ${address}: ${redact(msg)}`, {
    detail: detailParts.join("\n"),
    cause: e,
  });
}
