// The dead-letter queue: every rejected event with why and when, in `dlq.jsonl` (fsync'd like
// the spool). Only the file holds the entries; memory keeps an index of where each one is
// (a few bytes per entry) and counts per source. Entries leave only through reprocess, which
// streams the file into a new one (temp, fsync, rename): nothing on disk is ever dropped
// because memory did not know of it.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { Column } from "./column.js";
import { ITEMS_PER_TURN, yieldTurn } from "./body.js";
import { GroupCommit } from "./group-commit.js";
import { JsonlFile } from "./jsonl-file.js";
import { MAX_PAGE_BYTES } from "./limits.js";

export const DlqEntrySchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  reason: z.string(),
  received_at: z.string(),
  /** The event's raw text (one object, one array item, one NDJSON line, or the whole body). */
  raw: z.string(),
  /** Set instead of a usable `raw` when the body was not UTF-8. */
  raw_base64: z.string().optional(),
  /** Set when `raw` is only the start of the event (or empty): an event refused for its size or depth. */
  raw_truncated: z.boolean().optional(),
  remote_address: z.string().optional(),
  /** How many reprocess runs found it still invalid. */
  attempts: z.number().int().nonnegative().default(0),
});
export type DlqEntry = z.infer<typeof DlqEntrySchema>;
export type NewDlqEntry = Omit<DlqEntry, "id" | "attempts">;

/** One request's entries, serialised before they join a batch. */
interface Lines {
  lines: string[];
  lens: number[];
  sources: string[];
}

/** Where the entries are in the file: parallel columns, plus a small table of source names. */
class DlqIndex {
  readonly pos = new Column("auto");
  readonly len = new Column("u32");
  readonly src = new Column("u32");
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  readonly counts = new Map<string, number>();

  add(pos: number, len: number, source: string): void {
    let id = this.ids.get(source);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(source);
      this.ids.set(source, id);
    }
    this.pos.push(pos);
    this.len.push(len);
    this.src.push(id);
    this.counts.set(source, (this.counts.get(source) ?? 0) + 1);
  }

  sourceId(source: string): number | undefined {
    return this.ids.get(source);
  }
}

/** What a reprocess visitor decides for each entry of a batch: keep it as is, keep a changed copy, or drop it. */
export type DlqDecision = "keep" | "drop" | DlqEntry;

/** Entries handed to a reprocess visitor at once. */
const REWRITE_BATCH = 1000;

export class Dlq {
  private idx = new DlqIndex();
  private readonly writer: GroupCommit<Lines, undefined>;

  private constructor(private file: JsonlFile | undefined) {
    this.writer = new GroupCommit(async (batch) => {
      let pos = await this.requireFile().appendDurably(batch.length === 1 ? (batch[0] as Lines).lines : batch.flatMap((b) => b.lines));
      for (const b of batch) {
        b.lens.forEach((len, i) => {
          this.idx.add(pos, len, b.sources[i] as string);
          pos += len;
        });
      }
      return batch.map(() => undefined);
    });
  }

  static async open(path: string): Promise<{ dlq: Dlq; truncatedBytes: number }> {
    const dlq = new Dlq(undefined);
    let lineNo = 0;
    const { file, truncatedBytes } = await JsonlFile.open(path, (value, pos, len) => {
      lineNo++;
      const r = DlqEntrySchema.safeParse(value);
      if (!r.success) throw new MeshroomError("E_STATE", `${path}:${lineNo}: the line is not a dead-letter entry`);
      dlq.idx.add(pos, len, r.data.source);
    });
    dlq.file = file;
    return { dlq, truncatedBytes };
  }

  get size(): number {
    return this.idx.pos.length;
  }

  /** Appends rejected events durably; resolves with their ids. */
  async add(items: NewDlqEntry[]): Promise<string[]> {
    if (items.length === 0) return [];
    const ids: string[] = [];
    const parts: string[] = [];
    const lens: number[] = [];
    for (const [i, e] of items.entries()) {
      if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await yieldTurn();
      const id = randomUUID();
      ids.push(id);
      const line = JSON.stringify({ ...e, id, attempts: 0 }) + "\n";
      parts.push(line);
      lens.push(Buffer.byteLength(line, "utf8"));
    }
    await this.writer.submit({ lines: parts, lens, sources: items.map((e) => e.source) });
    return ids;
  }

  /** The oldest `limit` entries (of `source` when given), read from the file: at most MAX_PAGE_BYTES of them, one entry always. */
  list(opts: { source?: string; limit: number }): Promise<DlqEntry[]> {
    // never alongside a rewrite, which swaps the file and the index
    return this.writer.exclusive(() => this.listNow(opts));
  }

  private async listNow(opts: { source?: string; limit: number }): Promise<DlqEntry[]> {
    const want = opts.source === undefined ? undefined : this.idx.sourceId(opts.source);
    if (opts.source !== undefined && want === undefined) return [];
    const picked: { pos: number; len: number }[] = [];
    let bytes = 0;
    for (let i = 0; i < this.idx.pos.length && picked.length < opts.limit; i++) {
      if (want !== undefined && this.idx.src.get(i) !== want) continue;
      const len = this.idx.len.get(i);
      if (picked.length > 0 && bytes + len > MAX_PAGE_BYTES) break;
      picked.push({ pos: this.idx.pos.get(i), len });
      bytes += len;
    }
    const file = this.requireFile();
    const out: DlqEntry[] = [];
    for (const p of picked) out.push(DlqEntrySchema.parse(JSON.parse((await file.read(p.pos, p.len)).toString("utf8"))));
    return out;
  }

  /** How many dead letters there are, of `source` when given. */
  count(source?: string): number {
    return source === undefined ? this.size : (this.idx.counts.get(source) ?? 0);
  }

  total(source?: string): Promise<number> {
    return Promise.resolve(this.count(source));
  }

  countsBySource(): Map<string, number> {
    return new Map(this.idx.counts);
  }

  /**
   * Streams every entry on disk through `decide`, REWRITE_BATCH at a time, while no append can
   * interleave, into a new file that replaces the old one atomically (temp, fsync, rename).
   * `decide` does its own durable work (e.g. appending to the spool) before it returns. If
   * anything fails, the old file and index stay as they were: no entry is ever lost.
   */
  rewrite(decide: (entries: DlqEntry[]) => Promise<DlqDecision[]>): Promise<void> {
    return this.writer.exclusive(async () => {
      const file = this.requireFile();
      const next = new DlqIndex();
      let at = 0;
      await file.rewrite(async (write) => {
        for await (const lines of file.batches(REWRITE_BATCH)) {
          const entries = lines.map((l) => DlqEntrySchema.parse(JSON.parse(l.line.toString("utf8"))));
          const decisions = await decide(entries);
          for (let i = 0; i < lines.length; i++) {
            const d = decisions[i] ?? "keep";
            if (d === "drop") continue;
            const line = d === "keep" ? (lines[i] as { line: Buffer }).line : Buffer.from(JSON.stringify(d) + "\n", "utf8");
            await write(line);
            next.add(at, line.length, (entries[i] as DlqEntry).source);
            at += line.length;
          }
        }
      });
      this.idx = next;
    });
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.file?.close();
  }

  private requireFile(): JsonlFile {
    if (!this.file) throw new MeshroomError("E_INTERNAL", "the DLQ is not open");
    return this.file;
  }
}
