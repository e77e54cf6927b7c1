// Small helpers over the NATS client for the JetStream queue kind.
import { DeliverPolicy, NatsError, type JetStreamClient, type JsMsg } from "nats";

/** A KV create/update refused because the key's revision is not the one given (or it exists). */
export function isWrongRevision(e: unknown): boolean {
  return e instanceof NatsError ? /wrong last sequence|key exists/i.test(e.message) : /wrong last sequence/i.test(String(e));
}

/** A stream or consumer JetStream does not have. */
export function isNotFound(e: unknown): boolean {
  return /not found/i.test(e instanceof Error ? e.message : String(e));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The messages of `stream` (on `filter`) from sequence `from` up to `upTo`, oldest first,
 * `batch` at a time through an ordered (ephemeral, ack-less) consumer that is deleted when the
 * caller stops. Only what JetStream said is pending is asked for, so a read never waits.
 */
export async function* readStream(js: JetStreamClient, stream: string, filter: string, from: number, upTo: number, batch = 500): AsyncGenerator<JsMsg> {
  if (from > upTo) return;
  const c = await js.consumers.get(stream, { filterSubjects: filter, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from, inactive_threshold: 10_000 });
  try {
    let pending = (await c.info(true)).num_pending;
    while (pending > 0) {
      const msgs = await c.fetch({ max_messages: Math.min(batch, pending), expires: 5000 });
      let got = 0;
      for await (const m of msgs) {
        got++;
        pending = m.info.pending;
        if (m.seq > upTo) return;
        yield m;
      }
      if (got === 0) return; // deleted meanwhile
    }
  } finally {
    await c.delete().catch(() => undefined);
  }
}
