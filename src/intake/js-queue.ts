// The `nats` kind of intake queue: NATS JetStream. Events go to a stream (offset = stream
// sequence), dead letters to a second stream, sources, idempotent replies and counters to KV
// buckets. A write resolves only once JetStream acknowledged it (PubAck), so an intake replies
// "accepted" only for events the stream holds. Any number of intake processes share one
// stream: all state is in JetStream, memory holds only caches (the source records).
import { nanos, RetentionPolicy, StorageType, type JetStreamManager, type KV, type NatsConnection, type StreamConfig } from "nats";
import { MeshroomError } from "../errors/index.js";
import { ITEMS_PER_TURN, yieldTurn, type BodyItem } from "./body.js";
import type { CounterSnapshot } from "./counters.js";
import { checkEvent, deadLetterOf, recheckDeadLetter, type ValidatorOf } from "./event-check.js";
import { DEFAULT_IDEMPOTENCY_WINDOW_MS } from "./idempotency.js";
import { JsDlq } from "./js-dlq.js";
import { JsEvents } from "./js-events.js";
import { JsPublisher } from "./js-publisher.js";
import { KvCounters } from "./js-counters.js";
import { KvIdempotency, idempotencyId } from "./js-idempotency.js";
import { KvSources } from "./js-sources.js";
import { whileForming } from "./js-ready.js";
import { isNotFound, isWrongRevision, sleep } from "./js-util.js";
import { MAX_LISTED_REJECTIONS } from "./limits.js";
import { connectNats, type NatsAuthOptions, type NatsTarget } from "./nats-target.js";
import type { IngestMeta, IngestResult, IntakeQueue, ReprocessResult } from "./queue.js";
import type { NewDlqEntry } from "./dlq.js";
import type { SpoolRecord } from "./spool.js";

/** JetStream recognises a message id it saw within this window (a retried keyed post, a re-moved dead letter). */
export const DUPLICATE_WINDOW_MS = 60 * 60 * 1000;
/** A reprocess lock older than this is a crashed intake's. */
const REPROCESS_LOCK_STALE_MS = 5 * 60 * 1000;
const REPROCESS_LOCK = "_reprocess";
const MAX_REPORTED_OFFSETS = 10_000;
/** Room for the offset and framing around an event's text in a message. */
const MESSAGE_SLACK = 512;

export class JetStreamQueue implements IntakeQueue {
  readonly recoveredBytes = 0;
  private readonly validatorOf: ValidatorOf = (source) => this.sources.validator(source);

  private constructor(
    private readonly nc: NatsConnection,
    readonly target: NatsTarget,
    readonly sources: KvSources,
    readonly spool: JsEvents,
    readonly dlq: JsDlq,
    readonly idempotency: KvIdempotency,
    private readonly counters: KvCounters,
    private readonly locks: KV,
    /** Every publish to the two streams: one reply subscription, group-committed batches (js-publisher.ts). */
    private readonly publisher: JsPublisher,
  ) {}

  static async open(target: NatsTarget, auth: NatsAuthOptions): Promise<JetStreamQueue> {
    const nc = await connectNats(target, auth);
    try {
      const noJetStream = (why: string): MeshroomError =>
        new MeshroomError("E_EXEC", `the NATS server at ${target.servers.join(",")} has no JetStream: ${why}`, {
          detail: "Start nats-server with -js (and a storage directory, -sd); a new cluster needs a quorum of its nodes up to elect its JetStream leader.",
        });
      if (nc.info?.jetstream === false) throw noJetStream("the server says JetStream is not enabled");
      const forming = { onWait: () => process.stderr.write(`meshroom intake: waiting for JetStream at ${target.servers.join(",")} (cluster still forming?)\n`) };
      const jsm = await whileForming(() => nc.jetstreamManager(), forming).catch((e: unknown) => {
        throw noJetStream((e as Error).message);
      });
      const js = nc.jetstream();
      const prefix = `meshroom.intake.${target.stream}`;
      const stream = (name: string, subject: string, extra: Partial<StreamConfig> = {}): Promise<void> =>
        whileForming(() => ensureStream(jsm, { name, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Limits, num_replicas: target.replicas, allow_direct: true, ...extra }), forming);
      await stream(target.stream, `${prefix}.events.>`, { duplicate_window: nanos(DUPLICATE_WINDOW_MS) });
      await stream(`${target.stream}_DLQ`, `${prefix}.dlq.>`);
      const kv = (suffix: string, ttl?: number): Promise<KV> => whileForming(() => js.views.kv(`${target.stream}_${suffix}`, { history: 1, replicas: target.replicas, ...(ttl ? { ttl } : {}) }), forming);
      const counterKv = await kv("counters");
      const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
      const publisher = new JsPublisher(nc);
      return new JetStreamQueue(
        nc,
        target,
        await KvSources.open(await kv("sources")),
        new JsEvents(nc, js, jsm, target.stream, prefix),
        new JsDlq(publisher, jsm, `${target.stream}_DLQ`, prefix, maxPayload),
        new KvIdempotency(await kv("idempotency", DEFAULT_IDEMPOTENCY_WINDOW_MS)),
        new KvCounters(counterKv),
        counterKv,
        publisher,
      );
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }

  private get maxEvent(): number {
    return (this.nc.info?.max_payload ?? 1024 * 1024) - MESSAGE_SLACK;
  }

  /**
   * Checks the request's events; dead letters are published and acknowledged first, then the
   * accepted events (each its own message, published in order on this connection, so their
   * offsets increase). Under an Idempotency-Key each event's message id derives from the key
   * and its index: a retry after a crash is recognised by JetStream, not stored twice.
   */
  async ingest(source: string, items: BodyItem[], meta: IngestMeta): Promise<IngestResult> {
    const accepted: { record: SpoolRecord; index: number }[] = [];
    const rejectedAt: number[] = [];
    const dead: NewDlqEntry[] = [];
    for (let index = 0; index < items.length; index++) {
      if (index % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await yieldTurn();
      const item = items[index] as BodyItem;
      let checked = item.ok ? checkEvent(this.validatorOf, source, item.value, meta) : { ok: false as const, reason: item.reason };
      if (checked.ok && Buffer.byteLength(checked.record.json) > this.maxEvent) {
        checked = { ok: false, reason: `the event is larger than the queue's message limit (${this.maxEvent} bytes; NATS max_payload)` };
      }
      if (checked.ok) {
        accepted.push({ record: checked.record, index });
        continue;
      }
      rejectedAt.push(index);
      dead.push(deadLetterOf(source, item, checked.reason, meta));
    }
    const ids = await this.dlq.add(dead);
    this.counters.add(source, "rejected", dead.length);
    const keyed = meta.idempotencyKey === undefined ? undefined : idempotencyId(source, meta.idempotencyKey);
    const subject = this.spool.subject(source);
    const acks = accepted.map(({ record, index }) =>
      this.publisher.publish(this.spool.stream, subject, record.json, keyed === undefined ? undefined : `${keyed}:${index}`),
    );
    const offsets = (await Promise.all(acks)).map((a) => a.seq);
    if (offsets.length > 0) this.spool.appended();
    const listed = rejectedAt.slice(0, MAX_LISTED_REJECTIONS);
    const rejected = listed.map((index, i) => ({ index, reason: dead[i]?.reason ?? "", dlq_id: ids[i] ?? "" }));
    return { accepted: offsets.length, offsets, rejected, rejectedCount: dead.length };
  }

  /**
   * Replays the dead letters (of `source`) once, under a lock shared by every intake on the
   * stream. A fixed event is published to the queue with its DLQ id as message id (a second
   * move within the duplicate window is recognised), then its entry deleted; one still invalid
   * is written again with one more attempt, then the old message deleted.
   */
  async reprocess(opts: { source?: string } = {}): Promise<ReprocessResult> {
    const res: ReprocessResult = { examined: 0, moved: 0, remaining: 0, offsets: [], orphaned: 0 };
    const release = await this.lockReprocess();
    try {
      const seen = new Set<string>();
      let batch: { entry: import("./dlq.js").DlqEntry; seq: number }[] = [];
      const run = async (): Promise<void> => {
        const moved = await Promise.all(batch.map((b) => this.replay(b.entry, b.seq, res)));
        for (const o of moved) if (o !== undefined && res.offsets.length < MAX_REPORTED_OFFSETS) res.offsets.push(o);
        batch = [];
      };
      for await (const { entry, seq } of this.dlq.entries(opts.source)) {
        if (seen.has(entry.id)) {
          await this.dlq.remove(seq); // a copy left by an interrupted run: the first one was handled
          continue;
        }
        seen.add(entry.id);
        res.examined++;
        if (!this.sources.get(entry.source)) {
          res.orphaned++;
          continue;
        }
        batch.push({ entry, seq });
        if (batch.length >= 500) await run();
      }
      await run();
      res.remaining = await this.dlq.total();
      return res;
    } finally {
      await release();
    }
  }

  async counterSnapshot(): Promise<CounterSnapshot> {
    const [accepted, dlq] = await Promise.all([this.spool.countsBySource(), this.dlq.countsBySource()]);
    return this.counters.snapshot(accepted, dlq);
  }

  async close(): Promise<void> {
    try {
      await this.counters.close();
    } finally {
      this.sources.close();
      this.spool.close();
      // drained (pending acks flushed) if NATS answers within 5 s; else the connection is just closed
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), 5000)));
      const drained = await Promise.race([this.nc.drain().then(() => true, () => true), late]);
      clearTimeout(timer);
      if (!drained) await this.nc.close().catch(() => undefined);
    }
  }

  /** One dead letter: moved (resolves with its offset when this run moved it) or written back with one more attempt. */
  private async replay(entry: import("./dlq.js").DlqEntry, seq: number, res: ReprocessResult): Promise<number | undefined> {
    const checked = recheckDeadLetter(this.validatorOf, entry);
    if (!checked.ok) {
      await this.dlq.put({ ...entry, reason: checked.reason, attempts: entry.attempts + 1 });
      await this.dlq.remove(seq);
      return undefined;
    }
    const ack = await this.publisher.publish(this.spool.stream, this.spool.subject(entry.source), checked.record.json, `dlq:${entry.id}`);
    await this.dlq.remove(seq);
    if (ack.duplicate) return undefined; // moved before a crash
    res.moved++;
    this.counters.add(entry.source, "reprocessed", 1);
    this.spool.appended();
    return ack.seq;
  }

  private async lockReprocess(): Promise<() => Promise<void>> {
    const mine = JSON.stringify({ pid: process.pid, at: Date.now() });
    for (;;) {
      const e = await this.locks.get(REPROCESS_LOCK);
      try {
        if (!e || e.operation !== "PUT") await (e ? this.locks.update(REPROCESS_LOCK, mine, e.revision) : this.locks.create(REPROCESS_LOCK, mine));
        else {
          const at = Number((e.json() as { at?: unknown }).at);
          if (Date.now() - at < REPROCESS_LOCK_STALE_MS) {
            await sleep(100); // another intake is reprocessing
            continue;
          }
          await this.locks.update(REPROCESS_LOCK, mine, e.revision);
        }
      } catch (err) {
        if (isWrongRevision(err)) continue;
        throw err;
      }
      return async () => {
        await this.locks.delete(REPROCESS_LOCK).catch(() => undefined);
      };
    }
  }
}

/** Creates the stream, or checks that the existing one takes our subject (a forming cluster is waited for by the caller). */
async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string; subjects: string[] }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(cfg.name);
      if (!cfg.subjects.every((s) => info.config.subjects.includes(s))) {
        throw new MeshroomError("E_STATE", `the JetStream stream ${cfg.name} exists but does not take ${cfg.subjects.join(", ")}`, {
          detail: "It belongs to something else: pick another name with --stream.",
        });
      }
      return;
    } catch (e) {
      if (e instanceof MeshroomError || !isNotFound(e)) throw e;
    }
    try {
      await jsm.streams.add(cfg);
      return;
    } catch (e) {
      if (attempt >= 2) throw e; // created meanwhile by another intake: look again
    }
  }
}
