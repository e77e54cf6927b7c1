// The dead-letter queue: every rejected event with why and when, in `dlq.jsonl`
// (fsync'd like the spool). Entries leave it only through reprocess, which rewrites the file.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { GroupCommit } from "./group-commit.js";
import { JsonlFile } from "./jsonl-file.js";

export const DlqEntrySchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  reason: z.string(),
  received_at: z.string(),
  /** The event's raw text (one object, one array item, one NDJSON line, or the whole body). */
  raw: z.string(),
  /** Set instead of a usable `raw` when the body was not UTF-8. */
  raw_base64: z.string().optional(),
  remote_address: z.string().optional(),
  /** How many reprocess runs found it still invalid. */
  attempts: z.number().int().nonnegative().default(0),
});
export type DlqEntry = z.infer<typeof DlqEntrySchema>;
export type NewDlqEntry = Omit<DlqEntry, "id" | "attempts">;

export class Dlq {
  private entries: DlqEntry[] = [];
  private readonly writer: GroupCommit<DlqEntry[], undefined>;

  private constructor(private file: JsonlFile | undefined) {
    this.writer = new GroupCommit(async (batch) => {
      const text = batch.flat().map((e) => JSON.stringify(e) + "\n").join("");
      await this.requireFile().appendDurably(text);
      for (const b of batch) this.entries.push(...b);
      return batch.map(() => undefined);
    });
  }

  static async open(path: string): Promise<{ dlq: Dlq; truncatedBytes: number }> {
    const dlq = new Dlq(undefined);
    let lineNo = 0;
    const { file, truncatedBytes } = await JsonlFile.open(path, (value) => {
      lineNo++;
      const r = DlqEntrySchema.safeParse(value);
      if (!r.success) throw new MeshroomError("E_STATE", `${path}:${lineNo}: the line is not a dead-letter entry`);
      dlq.entries.push(r.data);
    });
    dlq.file = file;
    return { dlq, truncatedBytes };
  }

  get size(): number {
    return this.entries.length;
  }

  /** Appends rejected events durably; resolves with their ids. */
  async add(items: NewDlqEntry[]): Promise<string[]> {
    if (items.length === 0) return [];
    const entries = items.map((e) => ({ ...e, id: randomUUID(), attempts: 0 }));
    await this.writer.submit(entries);
    return entries.map((e) => e.id);
  }

  list(opts: { source?: string; limit: number }): DlqEntry[] {
    const all = opts.source === undefined ? this.entries : this.entries.filter((e) => e.source === opts.source);
    return all.slice(0, opts.limit);
  }

  /** How many dead letters there are, of `source` when given. */
  count(source?: string): number {
    return source === undefined ? this.entries.length : this.entries.reduce((n, e) => n + (e.source === source ? 1 : 0), 0);
  }

  countsBySource(): Map<string, number> {
    const m = new Map<string, number>();
    for (const e of this.entries) m.set(e.source, (m.get(e.source) ?? 0) + 1);
    return m;
  }

  /**
   * Runs `decide` over a snapshot of the entries while no append can interleave, then keeps
   * only the entries it returns (atomic rewrite). `decide` does its own durable work first.
   */
  rewrite(decide: (entries: readonly DlqEntry[]) => Promise<DlqEntry[]>): Promise<void> {
    return this.writer.exclusive(async () => {
      const keep = await decide(this.entries.slice());
      await this.requireFile().replace(keep.map((e) => JSON.stringify(e) + "\n").join(""));
      this.entries = keep;
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
