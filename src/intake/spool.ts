// The queue: accepted envelopes in `spool.jsonl`, each with a strictly increasing `offset`,
// fsync'd before the producer hears "accepted". An in-memory index (offset → byte range,
// source; typed columns, a few bytes per event) and one list per source answer
// `GET /queue?after=N[&source=S]` by reading only the events of the page, at most
// MAX_PAGE_BYTES of them. Each request's envelopes are serialised before they join a
// group-commit batch, so one request's event can never fail another's.
import { EventEmitter } from "node:events";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { Column, lowerBound } from "./column.js";
import type { EventEnvelope, UnsequencedEnvelope } from "./envelope.js";
import { GroupCommit } from "./group-commit.js";
import { JsonlFile } from "./jsonl-file.js";
import { MAX_PAGE_BYTES } from "./limits.js";

/** The fields of a spool line the index needs (only these are picked and checked on open: fast on a big spool). */
const SpoolLine = z.object({
  offset: z.number().int().positive(),
  source: z.string(),
  reprocessed_from: z.string().optional(),
});

export interface QueuePage {
  events: EventEnvelope[];
  /** Pass as `after` to get the next page. */
  next: number;
  /** The highest offset in the spool. */
  last: number;
}

const COMMA = Buffer.from(",");

/** A page whose events are still the JSON texts stored in the spool. */
export interface RawPage {
  /** The events' JSON texts as stored, already separated by commas: `[` + these + `]` is the events array. */
  json: Buffer[];
  count: number;
  next: number;
  last: number;
}

export interface ReadOptions {
  after: number;
  limit: number;
  /** Only events of this source (the rest are skipped, `next` still moves past them). */
  source?: string;
}

/** An envelope already serialised (without its offset), ready to join a batch. */
export interface SpoolRecord {
  source: string;
  /** `JSON.stringify` of the envelope: an object text, starting with `{`. */
  json: string;
  reprocessedFrom?: string;
}

/** Serialises an envelope in the caller's own request; throws only for that request. */
export function toSpoolRecord(env: UnsequencedEnvelope): SpoolRecord {
  const rec: SpoolRecord = { source: env.source, json: JSON.stringify(env) };
  if (env.reprocessed_from !== undefined) rec.reprocessedFrom = env.reprocessed_from;
  return rec;
}

export class Spool {
  private readonly offsets = new Column("auto");
  private readonly pos = new Column("auto");
  private readonly len = new Column("u32");
  /** Per source (by name): the positions in the columns above of its events, ascending. */
  private readonly bySource = new Map<string, Column>();
  /** DLQ ids already moved to the queue: a second reprocess never moves them twice. */
  readonly reprocessedIds = new Set<string>();
  private readonly appended = new EventEmitter();
  private readonly writer: GroupCommit<SpoolRecord[], number[]>;

  private constructor(private file: JsonlFile | undefined) {
    this.appended.setMaxListeners(0);
    this.writer = new GroupCommit((batch) => this.flush(batch));
  }

  /** `onEntry` sees every stored line (parsed) with its offset, once, while the file is replayed. */
  static async open(path: string, onEntry?: (line: unknown, offset: number) => void): Promise<{ spool: Spool; truncatedBytes: number }> {
    const spool = new Spool(undefined);
    let lineNo = 0;
    const { file, truncatedBytes } = await JsonlFile.open(path, (value, pos, len) => {
      lineNo++;
      const v = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
      const r = SpoolLine.safeParse({ offset: v.offset, source: v.source, reprocessed_from: v.reprocessed_from });
      if (!r.success) throw new MeshroomError("E_STATE", `${path}:${lineNo}: the line is not a queue entry (no offset or source)`);
      const last = spool.lastOffset;
      if (r.data.offset <= last) {
        throw new MeshroomError("E_STATE", `${path}:${lineNo}: offset ${r.data.offset} does not follow ${last}`);
      }
      spool.index(r.data.offset, pos, len, r.data.source);
      onEntry?.(value, r.data.offset);
      if (r.data.reprocessed_from !== undefined) spool.reprocessedIds.add(r.data.reprocessed_from);
    });
    spool.file = file;
    return { spool, truncatedBytes };
  }

  get lastOffset(): number {
    return this.offsets.length === 0 ? 0 : this.offsets.get(this.offsets.length - 1);
  }

  get count(): number {
    return this.offsets.length;
  }

  stats(): Promise<{ last: number; count: number }> {
    return Promise.resolve({ last: this.lastOffset, count: this.count });
  }

  countsBySource(): Map<string, number> {
    return new Map([...this.bySource].map(([name, col]) => [name, col.length]));
  }

  /** Appends the serialised envelopes of one request, contiguously; resolves with their offsets once fsync'd. */
  append(records: SpoolRecord[]): Promise<number[]> {
    if (records.length === 0) return Promise.resolve([]);
    return this.writer.submit(records);
  }

  /**
   * One page: the events after `after` (of `source` when given), at most `limit` of them and
   * MAX_PAGE_BYTES of their text (one event always). Only those events are read from disk.
   */
  async read(opts: ReadOptions): Promise<QueuePage> {
    const { json, count, next, last } = await this.readRaw(opts);
    const events = count === 0 ? [] : (JSON.parse(`[${Buffer.concat(json).toString("utf8")}]`) as EventEnvelope[]);
    return { events, next, last };
  }

  /** `read`, with each event as the JSON text stored in the spool (nothing parsed). */
  async readRaw(opts: ReadOptions): Promise<RawPage> {
    const last = this.lastOffset;
    const picked: number[] = [];
    let bytes = 0;
    const take = (i: number): boolean => {
      const l = this.len.get(i);
      if (picked.length >= opts.limit || (picked.length > 0 && bytes + l > MAX_PAGE_BYTES)) return false;
      picked.push(i);
      bytes += l;
      return true;
    };
    let next: number;
    if (opts.source === undefined) {
      for (let i = lowerBound(this.offsets.length, (k) => this.offsets.get(k), opts.after + 1); i < this.offsets.length && take(i); i++);
      next = picked.length > 0 ? this.offsets.get(picked[picked.length - 1] as number) : opts.after;
    } else {
      const col = this.bySource.get(opts.source);
      const n = col?.length ?? 0;
      let k = col ? lowerBound(n, (j) => this.offsets.get(col.get(j)), opts.after + 1) : 0;
      for (; col && k < n && take(col.get(k)); k++);
      // when the source has nothing more, every event up to `last` has been looked at
      next = k >= n ? Math.max(last, opts.after) : this.offsets.get(picked[picked.length - 1] as number);
    }
    if (picked.length === 0) return { json: [], count: 0, next: Math.max(next, opts.after), last };
    return { json: await this.readEntries(picked), count: picked.length, next, last };
  }

  /** Resolves when an event with an offset above `after` exists, or after `ms`, or on abort. */
  waitFor(after: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.lastOffset > after || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off("append", onAppend);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const onAppend = (): void => {
        if (this.lastOffset > after) done();
      };
      const timer = setTimeout(done, ms);
      this.appended.on("append", onAppend);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.file?.close();
    this.appended.emit("append");
  }

  private index(offset: number, pos: number, len: number, source: string): void {
    let col = this.bySource.get(source);
    if (!col) this.bySource.set(source, (col = new Column("u32")));
    col.push(this.offsets.length);
    this.offsets.push(offset);
    this.pos.push(pos);
    this.len.push(len);
  }

  private async flush(batch: SpoolRecord[][]): Promise<number[][]> {
    const file = this.requireFile();
    let offset = this.lastOffset;
    const lines: { offset: number; text: string; source: string }[] = [];
    const result = batch.map((recs) =>
      recs.map((rec) => {
        offset++;
        lines.push({ offset, text: `{"offset":${offset},${rec.json.slice(1)}\n`, source: rec.source });
        return offset;
      }),
    );
    let pos = await file.appendDurably(lines.map((l) => l.text));
    for (const l of lines) {
      const len = Buffer.byteLength(l.text, "utf8");
      this.index(l.offset, pos, len, l.source);
      pos += len;
    }
    for (const recs of batch) for (const rec of recs) if (rec.reprocessedFrom) this.reprocessedIds.add(rec.reprocessedFrom);
    this.appended.emit("append");
    return result;
  }

  /**
   * Reads the picked events, one read per run of adjacent ones (a page is at most
   * MAX_PAGE_BYTES, one event aside), and turns each line end into the comma between two
   * events in place: the page is sent without decoding or re-encoding any text.
   */
  private async readEntries(picked: number[]): Promise<Buffer[]> {
    const file = this.requireFile();
    const out: Buffer[] = [];
    for (let a = 0; a < picked.length; ) {
      let b = a + 1;
      while (b < picked.length && this.pos.get(picked[b] as number) === this.pos.get(picked[b - 1] as number) + this.len.get(picked[b - 1] as number)) b++;
      const start = this.pos.get(picked[a] as number);
      const lastI = picked[b - 1] as number;
      const buf = await file.read(start, this.pos.get(lastI) + this.len.get(lastI) - start);
      // a stored line is JSON text (no raw newline inside) ending with "\n"
      for (let k = a; k < b - 1; k++) buf[this.pos.get(picked[k] as number) - start + this.len.get(picked[k] as number) - 1] = 0x2c;
      if (out.length > 0) out.push(COMMA);
      out.push(buf.subarray(0, buf.length - 1));
      a = b;
    }
    return out;
  }

  private requireFile(): JsonlFile {
    if (!this.file) throw new MeshroomError("E_INTERNAL", "the spool is not open");
    return this.file;
  }
}
