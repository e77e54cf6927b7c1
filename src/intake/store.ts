// The intake's data directory as one object: sources, spool, DLQ and counters, plus the two
// operations that touch several of them (ingest and reprocess). No HTTP here, so the CLI can
// reprocess a directory offline with the same code the server uses. The `file` kind of
// `IntakeQueue` (queue.ts, queue-kinds.ts).
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { ITEMS_PER_TURN, yieldTurn, type BodyItem } from "./body.js";
import { RejectCounters, type CounterSnapshot } from "./counters.js";
import { Dlq, type DlqDecision, type DlqEntry, type NewDlqEntry } from "./dlq.js";
import { checkEvent, deadLetterOf, recheckDeadLetter, type Checked, type ValidatorOf } from "./event-check.js";
import { MAX_LISTED_REJECTIONS } from "./limits.js";
import { SourceRegistry } from "./sources.js";
import { Spool, type SpoolRecord } from "./spool.js";
import { IdempotencyTable, storedKeyCollector } from "./idempotency.js";
import type { IngestMeta, IngestResult, IntakeQueue, ReprocessResult } from "./queue.js";

export const DATA_FILES = {
  spool: "spool.jsonl",
  dlq: "dlq.jsonl",
  sources: "sources.json",
  counters: "counters.json",
  idempotency: "idempotency.jsonl",
} as const;

export type { IngestMeta, IngestResult, Rejection, ReprocessResult } from "./queue.js";

/** Offsets listed in a reprocess result (`moved` counts them all). */
const MAX_REPORTED_OFFSETS = 10_000;

/** The intake queue kept in files in the data directory (the `file` queue kind). */
export class IntakeStore implements IntakeQueue {
  private constructor(
    readonly dir: string,
    readonly sources: SourceRegistry,
    readonly spool: Spool,
    readonly dlq: Dlq,
    private readonly counters: RejectCounters,
    /** Bytes cut from torn last lines when the directory was opened. */
    readonly recoveredBytes: number,
    readonly idempotency: IdempotencyTable,
  ) {}

  private readonly validatorOf: ValidatorOf = (source) => this.sources.validator(source);

  static async open(dir: string): Promise<IntakeStore> {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const sources = await SourceRegistry.open(join(dir, DATA_FILES.sources));
    const keyed = storedKeyCollector();
    const { spool, truncatedBytes: a } = await Spool.open(join(dir, DATA_FILES.spool), keyed.onEntry);
    const { dlq, truncatedBytes: b } = await Dlq.open(join(dir, DATA_FILES.dlq)).catch(async (e: unknown) => {
      await spool.close();
      throw e;
    });
    const idempotency = await IdempotencyTable.open(join(dir, DATA_FILES.idempotency), keyed.stored).catch(async (e: unknown) => {
      await Promise.allSettled([spool.close(), dlq.close()]);
      throw e;
    });
    const counters = await RejectCounters.open(join(dir, DATA_FILES.counters));
    return new IntakeStore(dir, sources, spool, dlq, counters, a + b, idempotency);
  }

  /**
   * Validates and serialises each item in this request, then writes rejected ones to the DLQ
   * and, only once they are durable, accepted ones to the spool. If the DLQ write fails no
   * event of the request was stored; if the spool write fails (cut back by JsonlFile) only
   * dead letters were, and a retry sends them to the DLQ again, never an event twice to the queue.
   */
  async ingest(source: string, items: BodyItem[], meta: IngestMeta): Promise<IngestResult> {
    const accepted: SpoolRecord[] = [];
    const rejectedAt: number[] = [];
    const dead: NewDlqEntry[] = [];
    for (let index = 0; index < items.length; index++) {
      if (index % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await yieldTurn(); // a big request never holds the server for long
      const item = items[index] as BodyItem;
      const checked: Checked = item.ok ? checkEvent(this.validatorOf, source, item.value, meta) : { ok: false, reason: item.reason };
      if (checked.ok) {
        accepted.push(checked.record);
        continue;
      }
      rejectedAt.push(index);
      dead.push(deadLetterOf(source, item, checked.reason, meta));
    }
    const ids = await this.dlq.add(dead);
    this.counters.add(source, "rejected", dead.length);
    const offsets = await this.spool.append(accepted);
    const listed = rejectedAt.slice(0, MAX_LISTED_REJECTIONS);
    const rejected = listed.map((index, i) => ({ index, reason: dead[i]?.reason ?? "", dlq_id: ids[i] ?? "" }));
    return { accepted: offsets.length, offsets, rejected, rejectedCount: dead.length };
  }

  /**
   * Replays the DLQ (or one source's part of it) against the current schemas, streaming the
   * file a batch at a time. Fixed events are appended to the spool (fsync'd) before the DLQ is
   * replaced without them; an event already moved by an interrupted earlier run is recognised
   * by its DLQ id and not moved twice. `offsets` lists at most the first 10,000 moved.
   */
  async reprocess(opts: { source?: string } = {}): Promise<ReprocessResult> {
    const res: ReprocessResult = { examined: 0, moved: 0, remaining: 0, offsets: [], orphaned: 0 };
    await this.dlq.rewrite(async (entries) => {
      const decisions: DlqDecision[] = [];
      const moving: { entry: DlqEntry; record: SpoolRecord }[] = [];
      for (const entry of entries) {
        if (opts.source !== undefined && entry.source !== opts.source) {
          decisions.push("keep");
          continue;
        }
        res.examined++;
        if (this.spool.reprocessedIds.has(entry.id)) {
          decisions.push("drop"); // moved before a crash
          continue;
        }
        if (!this.sources.get(entry.source)) {
          res.orphaned++;
          decisions.push("keep");
          continue;
        }
        const checked = recheckDeadLetter(this.validatorOf, entry);
        if (checked.ok) {
          moving.push({ entry, record: checked.record });
          decisions.push("drop");
        } else decisions.push({ ...entry, reason: checked.reason, attempts: entry.attempts + 1 });
      }
      const offsets = await this.spool.append(moving.map((m) => m.record));
      for (const o of offsets) if (res.offsets.length < MAX_REPORTED_OFFSETS) res.offsets.push(o);
      res.moved += moving.length;
      for (const m of moving) this.counters.add(m.entry.source, "reprocessed", 1);
      res.remaining += decisions.filter((d) => d !== "drop").length;
      return decisions;
    });
    return res;
  }

  counterSnapshot(): Promise<CounterSnapshot> {
    return Promise.resolve(this.counters.snapshot(this.spool.countsBySource(), this.dlq.countsBySource()));
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.spool.close(), this.dlq.close(), this.counters.close(), this.idempotency.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}
