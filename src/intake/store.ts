// The intake's data directory as one object: sources, spool, DLQ and counters, plus the two
// operations that touch several of them (ingest and reprocess). No HTTP here, so the CLI can
// reprocess a directory offline with the same code the server uses.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import type { BodyItem } from "./body.js";
import { RejectCounters, type CounterSnapshot } from "./counters.js";
import { Dlq, type DlqEntry, type NewDlqEntry } from "./dlq.js";
import { checkBaseEvent, toEnvelope, type UnsequencedEnvelope } from "./envelope.js";
import { SourceRegistry, schemaErrorsText } from "./sources.js";
import { Spool } from "./spool.js";
import { IdempotencyTable, storedKeyCollector } from "./idempotency.js";

export const DATA_FILES = {
  spool: "spool.jsonl",
  dlq: "dlq.jsonl",
  sources: "sources.json",
  counters: "counters.json",
  idempotency: "idempotency.jsonl",
} as const;

export interface IngestMeta {
  receivedAt: Date;
  remoteAddress: string;
  /** The request's `Idempotency-Key`: recorded on each stored event, in the same append. */
  idempotencyKey?: string;
}

export interface Rejection {
  /** Position of the event in the request (0 for a single object or a bad body). */
  index: number;
  reason: string;
  dlq_id: string;
}

export interface IngestResult {
  accepted: number;
  offsets: number[];
  rejected: Rejection[];
}

export interface ReprocessResult {
  examined: number;
  moved: number;
  remaining: number;
  offsets: number[];
  /** DLQ entries of sources that no longer exist: kept, never moved. */
  orphaned: number;
}

type Checked = { ok: true; envelope: UnsequencedEnvelope } | { ok: false; reason: string };

export class IntakeStore {
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

  /** Validates each item; accepted ones go to the spool, rejected ones to the DLQ; both durably. */
  async ingest(source: string, items: BodyItem[], meta: IngestMeta): Promise<IngestResult> {
    const accepted: UnsequencedEnvelope[] = [];
    const rejectedAt: number[] = [];
    const dead: NewDlqEntry[] = [];
    const receivedAt = meta.receivedAt.toISOString();
    items.forEach((item, index) => {
      const checked: Checked = item.ok ? this.check(source, item.value, meta) : { ok: false, reason: item.reason };
      if (checked.ok) {
        accepted.push(meta.idempotencyKey === undefined ? checked.envelope : { ...checked.envelope, idempotency_key: meta.idempotencyKey });
        return;
      }
      rejectedAt.push(index);
      const entry: NewDlqEntry = { source, reason: checked.reason, received_at: receivedAt, raw: item.raw, remote_address: meta.remoteAddress };
      if (!item.ok && item.rawBase64 !== undefined) entry.raw_base64 = item.rawBase64;
      dead.push(entry);
    });
    const [offsets, ids] = await Promise.all([this.spool.append(accepted), this.dlq.add(dead)]);
    this.counters.add(source, "rejected", dead.length);
    const rejected = rejectedAt.map((index, i) => ({ index, reason: dead[i]?.reason ?? "", dlq_id: ids[i] ?? "" }));
    return { accepted: offsets.length, offsets, rejected };
  }

  /**
   * Replays the DLQ (or one source's part of it) against the current schemas. Fixed events are
   * appended to the spool (fsync'd) before the DLQ is rewritten without them; an event already
   * moved by an interrupted earlier run is recognised by its DLQ id and not moved twice.
   */
  async reprocess(opts: { source?: string } = {}): Promise<ReprocessResult> {
    const res: ReprocessResult = { examined: 0, moved: 0, remaining: 0, offsets: [], orphaned: 0 };
    await this.dlq.rewrite(async (entries) => {
      const keep: DlqEntry[] = [];
      const moving: { entry: DlqEntry; env: UnsequencedEnvelope }[] = [];
      for (const entry of entries) {
        if (opts.source !== undefined && entry.source !== opts.source) {
          keep.push(entry);
          continue;
        }
        res.examined++;
        if (this.spool.reprocessedIds.has(entry.id)) continue; // moved before a crash
        if (!this.sources.get(entry.source)) {
          res.orphaned++;
          keep.push(entry);
          continue;
        }
        const checked = this.recheck(entry);
        if (checked.ok) moving.push({ entry, env: checked.envelope });
        else keep.push({ ...entry, reason: checked.reason, attempts: entry.attempts + 1 });
      }
      res.offsets = await this.spool.append(moving.map((m) => m.env));
      res.moved = moving.length;
      for (const m of moving) this.counters.add(m.entry.source, "reprocessed", 1);
      res.remaining = keep.length;
      return keep;
    });
    return res;
  }

  counterSnapshot(): CounterSnapshot {
    return this.counters.snapshot(this.spool.countsBySource(), this.dlq.countsBySource());
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.spool.close(), this.dlq.close(), this.counters.close(), this.idempotency.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  private check(source: string, value: unknown, meta: IngestMeta, reprocessedFrom?: string): Checked {
    const base = checkBaseEvent(value);
    if (!base.ok) return base;
    const validate = this.sources.validator(source);
    if (validate && !validate(value)) return { ok: false, reason: schemaErrorsText(validate) };
    const ctx = { source, receivedAt: meta.receivedAt, remoteAddress: meta.remoteAddress, reprocessedFrom };
    return { ok: true, envelope: toEnvelope(value as Record<string, unknown>, base.event, ctx) };
  }

  private recheck(entry: DlqEntry): Checked {
    if (entry.raw_base64 !== undefined) return { ok: false, reason: entry.reason };
    let value: unknown;
    try {
      value = JSON.parse(entry.raw);
    } catch (e) {
      return { ok: false, reason: `not JSON: ${(e as Error).message}` };
    }
    const received = new Date(entry.received_at);
    const meta = { receivedAt: Number.isNaN(received.getTime()) ? new Date() : received, remoteAddress: entry.remote_address ?? "unknown" };
    return this.check(entry.source, value, meta, entry.id);
  }
}
