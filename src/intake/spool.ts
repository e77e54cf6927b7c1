// The queue: accepted envelopes in `spool.jsonl`, each with a strictly increasing `offset`,
// fsync'd before the producer hears "accepted". An in-memory index (offset → byte range,
// source) answers `GET /queue?after=N` without scanning the file.
import { EventEmitter } from "node:events";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import type { EventEnvelope, UnsequencedEnvelope } from "./envelope.js";
import { GroupCommit } from "./group-commit.js";
import { JsonlFile } from "./jsonl-file.js";

const SpoolLine = z.looseObject({
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

export interface ReadOptions {
  after: number;
  limit: number;
  /** Only events of this source (the rest are skipped, `next` still moves past them). */
  source?: string;
}

/** At most this many index entries are scanned per filtered read. */
const MAX_SCAN = 50_000;

export class Spool {
  private offsets: number[] = [];
  private pos: number[] = [];
  private len: number[] = [];
  private src: string[] = [];
  private readonly perSource = new Map<string, number>();
  /** DLQ ids already moved to the queue: a second reprocess never moves them twice. */
  readonly reprocessedIds = new Set<string>();
  private readonly appended = new EventEmitter();
  private readonly writer: GroupCommit<UnsequencedEnvelope[], number[]>;

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
      const r = SpoolLine.safeParse(value);
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
    return this.offsets.length === 0 ? 0 : (this.offsets[this.offsets.length - 1] as number);
  }

  get count(): number {
    return this.offsets.length;
  }

  countsBySource(): Map<string, number> {
    return new Map(this.perSource);
  }

  /** Appends the envelopes of one request, contiguously; resolves with their offsets once fsync'd. */
  append(envelopes: UnsequencedEnvelope[]): Promise<number[]> {
    if (envelopes.length === 0) return Promise.resolve([]);
    return this.writer.submit(envelopes);
  }

  async read(opts: ReadOptions): Promise<QueuePage> {
    const last = this.lastOffset;
    let i = lowerBound(this.offsets, opts.after + 1);
    const picked: number[] = [];
    let next = opts.after;
    for (let scanned = 0; i < this.offsets.length && picked.length < opts.limit && scanned < MAX_SCAN; i++, scanned++) {
      next = this.offsets[i] as number;
      if (opts.source === undefined || this.src[i] === opts.source) picked.push(i);
    }
    if (picked.length === 0) return { events: [], next: Math.max(next, opts.after), last };
    const events = await this.readEntries(picked);
    return { events, next, last };
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
    this.offsets.push(offset);
    this.pos.push(pos);
    this.len.push(len);
    this.src.push(source);
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1);
  }

  private async flush(batch: UnsequencedEnvelope[][]): Promise<number[][]> {
    const file = this.requireFile();
    let offset = this.lastOffset;
    const lines: { offset: number; text: string; source: string }[] = [];
    const result = batch.map((envs) =>
      envs.map((env) => {
        offset++;
        const text = JSON.stringify({ offset, ...env }) + "\n";
        lines.push({ offset, text, source: env.source });
        return offset;
      }),
    );
    let pos = await file.appendDurably(lines.map((l) => l.text).join(""));
    for (const l of lines) {
      const len = Buffer.byteLength(l.text, "utf8");
      this.index(l.offset, pos, len, l.source);
      pos += len;
    }
    for (const envs of batch) for (const env of envs) if (env.reprocessed_from) this.reprocessedIds.add(env.reprocessed_from);
    this.appended.emit("append");
    return result;
  }

  private async readEntries(picked: number[]): Promise<EventEnvelope[]> {
    const file = this.requireFile();
    const first = picked[0] as number;
    const lastI = picked[picked.length - 1] as number;
    const start = this.pos[first] as number;
    const end = (this.pos[lastI] as number) + (this.len[lastI] as number);
    const buf = await file.read(start, end - start);
    return picked.map((i) => {
      const at = (this.pos[i] as number) - start;
      return JSON.parse(buf.toString("utf8", at, at + (this.len[i] as number))) as EventEnvelope;
    });
  }

  private requireFile(): JsonlFile {
    if (!this.file) throw new MeshroomError("E_INTERNAL", "the spool is not open");
    return this.file;
  }
}

/** First index whose value is >= target in an ascending array. */
function lowerBound(a: number[], target: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
