// Small helpers over the NATS client for the JetStream queue kind.
import { NatsError, type JetStreamManager } from "nats";

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

/** A message read from a stream: its sequence, subject and bytes. */
export interface StreamMsg {
  seq: number;
  subject: string;
  data: Uint8Array;
}

/**
 * The messages of `stream` on `filter` from sequence `from` up to `upTo`, oldest first, read
 * with JetStream's direct get (any replica answers; no consumer is created, so a read costs
 * the cluster nothing to set up and works while a peer is down). `dense`: every sequence in the
 * range is a message on `filter` (a stream nothing is deleted from, read whole): `batch`
 * messages are asked for at once; otherwise each next message on the filter is asked for in turn.
 */
export async function* readStream(jsm: JetStreamManager, stream: string, filter: string, from: number, upTo: number, opts: { dense?: boolean; batch?: number } = {}): AsyncGenerator<StreamMsg> {
  const batch = opts.batch ?? 100;
  for (let seq = Math.max(1, from); seq <= upTo; ) {
    if (opts.dense) {
      const n = Math.min(batch, upTo - seq + 1);
      const got = await Promise.all(Array.from({ length: n }, (_, i) => directGet(jsm, stream, { seq: seq + i })));
      for (const m of got) if (m) yield m;
      seq += n;
      continue;
    }
    const m = await directGet(jsm, stream, { seq, next_by_subj: filter });
    if (!m || m.seq > upTo) return;
    yield m;
    seq = m.seq + 1;
  }
}

interface DirectGet {
  getMessage(stream: string, q: { seq: number; next_by_subj?: string }): Promise<StreamMsg>;
}

async function directGet(jsm: JetStreamManager, stream: string, q: { seq: number; next_by_subj?: string }): Promise<StreamMsg | undefined> {
  try {
    // the manager has the direct API (nats.js 2.x), its interface does not declare it
    const m = await (jsm as unknown as { direct: DirectGet }).direct.getMessage(stream, q);
    return { seq: m.seq, subject: m.subject, data: m.data };
  } catch (e) {
    if (/no message found|404/i.test(`${(e as Error).message} ${(e as { code?: string }).code ?? ""}`)) return undefined;
    throw e;
  }
}
