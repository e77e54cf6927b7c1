import { MeshroomError } from "../errors/index.js";
import { redactText } from "../util/redact.js";
import { buildHookContext, checkHookInput, type HookInput, type HookRunOptions } from "./context.js";
import type { HookEntry } from "./registry.js";
import { hookFailure } from "./runner.js";

export interface WatchOptions extends HookRunOptions {
  /** Stop after this many items. */
  count?: number;
  /** Stop after this many milliseconds. */
  timeoutMs?: number;
}

/** How long closing a generator may take once its signal has aborted. */
const CLOSE_GRACE_MS = 1000;

/**
 * Iterates a watch hook (an async generator). Ends quietly after `count` items, after
 * `timeoutMs`, or when `signal` aborts; in every case the hook's own signal aborts and the
 * generator is closed (its `finally` runs). A throw inside the generator is E_HOOK_FAILED.
 * The hook's `timeout` option does not apply: watching is meant to last.
 */
export async function* runWatch(entry: HookEntry, input: HookInput, opts: WatchOptions): AsyncGenerator<unknown, void, undefined> {
  const d = entry.descriptor;
  if (d.kind !== "watch") throw new MeshroomError("E_INTERNAL", `hook '${d.title}' is a ${d.kind} hook, not a watch hook`);
  checkHookInput(entry, input);
  const redact = opts.redact ?? redactText;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  if (opts.signal?.aborted) return;
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => ctl.abort(), opts.timeoutMs) : undefined;
  const stopped = new Promise<"stopped">((resolve) => ctl.signal.addEventListener("abort", () => resolve("stopped"), { once: true }));

  let it: AsyncIterator<unknown> | undefined;
  try {
    const produced = entry.fn(buildHookContext(entry, input, opts, ctl.signal));
    if (!isAsyncIterable(produced)) {
      throw new MeshroomError("E_HOOK_FAILED", `hook '${redact(d.title)}' did not return an async iterable; write it as \`async function*\``, {
        detail: `declared in ${d.source}`,
      });
    }
    it = produced[Symbol.asyncIterator]();
    let n = 0;
    while (opts.count === undefined || n < opts.count) {
      if (ctl.signal.aborted) return;
      let r: IteratorResult<unknown> | "stopped";
      try {
        r = await Promise.race([it.next(), stopped]);
      } catch (e) {
        if (ctl.signal.aborted) return;
        throw hookFailure(d, opts.address, e, redact);
      }
      if (r === "stopped" || r.done) return;
      n++;
      yield r.value;
    }
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    ctl.abort();
    if (it?.return) {
      const closing = Promise.resolve(it.return()).catch(() => undefined);
      await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
    }
  }
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === "object" && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}
