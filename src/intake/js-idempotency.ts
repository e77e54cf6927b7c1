// Idempotent posts on a JetStream queue: one KV entry per (source, key) (its name a sha256, so
// any key is a valid KV key), kept for the window by the bucket's TTL. A post first claims the
// key with a "pending" entry (KV create: one intake wins), stores its events, then records
// the reply. A retry elsewhere waits for the reply; a claim left by a crashed intake is taken
// over after PENDING_STALE_MS, and the events it had stored are recognised by JetStream's
// duplicate detection (each event's message id derives from the key), never stored twice.
import { createHash } from "node:crypto";
import type { KV } from "nats";
import { z } from "zod";
import type { IdempotentOutcome, StoredReply } from "./idempotency.js";
import type { QueueIdempotency } from "./queue.js";
import { isWrongRevision, sleep } from "./js-util.js";

/** A claim older than this whose reply never came is taken to be a crashed intake's. */
export const PENDING_STALE_MS = 30_000;
const POLL_MS = 50;

const Entry = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending"), fingerprint: z.string(), at: z.number() }),
  z.object({ state: z.literal("done"), fingerprint: z.string(), at: z.number(), status: z.number().int(), body: z.record(z.string(), z.unknown()) }),
]);

/** The KV key, and the prefix of the message ids of the events stored under it. */
export function idempotencyId(source: string, key: string): string {
  return createHash("sha256").update(source).update("\u0000").update(key).digest("hex");
}

const CONFLICT = "this Idempotency-Key was used with a different request body: use a new key for new events";

export class KvIdempotency implements QueueIdempotency {
  constructor(private readonly kv: KV) {}

  async run(source: string, key: string, fingerprint: string, work: () => Promise<StoredReply>): Promise<IdempotentOutcome> {
    const id = idempotencyId(source, key);
    const pending = JSON.stringify({ state: "pending", fingerprint, at: Date.now() });
    for (;;) {
      const e = await this.kv.get(id);
      const parsed = e && e.operation === "PUT" ? Entry.safeParse(e.json()) : undefined;
      if (e && parsed?.success) {
        const v = parsed.data;
        if (v.fingerprint !== fingerprint) return { kind: "conflict", error: CONFLICT };
        if (v.state === "done") return { kind: "replayed", reply: { status: v.status, body: v.body } };
        if (Date.now() - v.at < PENDING_STALE_MS) {
          await sleep(POLL_MS); // another request with this key is being stored
          continue;
        }
        if (!(await this.claim(() => this.kv.update(id, pending, e.revision)))) continue;
      } else if (e && e.operation === "PUT") {
        // a damaged entry: replaced by this request's claim
        if (!(await this.claim(() => this.kv.update(id, pending, e.revision)))) continue;
      } else if (!(await this.claim(() => (e ? this.kv.update(id, pending, e.revision) : this.kv.create(id, pending))))) continue;
      break;
    }
    let reply: StoredReply;
    try {
      reply = await work();
    } catch (err) {
      await this.kv.delete(id).catch(() => undefined); // a retry may run it again (its events, if stored, are recognised)
      throw err;
    }
    if (reply.status === 202 || reply.status === 422) {
      await this.kv.put(id, JSON.stringify({ state: "done", fingerprint, at: Date.now(), status: reply.status, body: reply.body }));
    } else await this.kv.delete(id);
    return { kind: "fresh", reply };
  }

  private async claim(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (isWrongRevision(e)) return false;
      throw e;
    }
  }
}
