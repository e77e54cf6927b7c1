// A JetStream cluster that has just started (or lost its leader) answers its API with timeouts,
// "no responders" or "no suitable peers" until its nodes have elected a meta leader and see
// enough peers. The intake's setup (JetStream API, streams, KV buckets) waits for that through
// `whileForming` instead of failing on the first answer, up to a bound.
import { sleep } from "./js-util.js";

/** How long setup waits for a forming cluster before it reports the last error. */
const FORMING_WAIT_MS = 60_000;
const RETRY_EVERY_MS = 500;

/** An answer a cluster still electing its leaders gives: worth asking again shortly. */
function isTransient(e: unknown): boolean {
  return /no suitable peers|timeout|503|no responders|leader|unavailable|insufficient resources/i.test(
    e instanceof Error ? `${e.message} ${(e as { code?: string }).code ?? ""}` : String(e),
  );
}

/**
 * Runs `step` until it succeeds, retrying transient JetStream answers until `waitMs` passed
 * (then the last error is thrown). Any other error is thrown at once. `onWait` is told once,
 * at the first retry, so an operator sees why startup pauses.
 */
export async function whileForming<T>(step: () => Promise<T>, opts: { waitMs?: number; onWait?: (e: unknown) => void } = {}): Promise<T> {
  const until = Date.now() + (opts.waitMs ?? FORMING_WAIT_MS);
  for (let told = false; ; ) {
    try {
      return await step();
    } catch (e) {
      if (!isTransient(e) || Date.now() > until) throw e;
      if (!told) opts.onWait?.(e);
      told = true;
      await sleep(RETRY_EVERY_MS);
    }
  }
}
