// Counters: accepted counts come from the spool (exact after any crash); rejected and
// reprocessed counts are kept in `counters.json`, saved at most once a second and on close.
import { promises as fsp } from "node:fs";
import { z } from "zod";
import { writeFileAtomic } from "./atomic-file.js";

/** A source's kept counts (accepted and dead-letter counts come from the queue itself). */
export const PerSource = z.object({ rejected: z.number().int().nonnegative().default(0), reprocessed: z.number().int().nonnegative().default(0) });
const CountersFile = z.object({ version: z.literal(1), sources: z.record(z.string(), PerSource) });
export type PerSource = z.infer<typeof PerSource>;

export interface CounterSnapshot {
  accepted: number;
  rejected: number;
  reprocessed: number;
  dlq_size: number;
  per_source: Record<string, { accepted: number; rejected: number; reprocessed: number; dlq: number }>;
}

export class RejectCounters {
  private readonly sources = new Map<string, PerSource>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<RejectCounters> {
    const c = new RejectCounters(path);
    try {
      const r = CountersFile.safeParse(JSON.parse(await fsp.readFile(path, "utf8")));
      // a damaged counters file only costs history, never events: start from zero
      if (r.success) for (const [k, v] of Object.entries(r.data.sources)) c.sources.set(k, v);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" && !(e instanceof SyntaxError)) throw e;
    }
    return c;
  }

  add(source: string, what: keyof PerSource, n: number): void {
    if (n === 0) return;
    const cur = this.sources.get(source) ?? { rejected: 0, reprocessed: 0 };
    cur[what] += n;
    this.sources.set(source, cur);
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.save().catch(() => undefined);
    }, 1000);
    this.timer.unref();
  }

  snapshot(accepted: Map<string, number>, dlq: Map<string, number>): CounterSnapshot {
    return counterSnapshot(accepted, dlq, this.sources);
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const file = { version: 1, sources: Object.fromEntries(this.sources) };
    await writeFileAtomic(this.path, JSON.stringify(file) + "\n");
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }
}

/** Every source's counts (those of any of the three maps), summed over all sources; sources sorted by name. */
export function counterSnapshot(accepted: Map<string, number>, dlq: Map<string, number>, kept: ReadonlyMap<string, PerSource>): CounterSnapshot {
  const names = new Set([...accepted.keys(), ...dlq.keys(), ...kept.keys()]);
  const out: CounterSnapshot = { accepted: 0, rejected: 0, reprocessed: 0, dlq_size: 0, per_source: {} };
  for (const n of [...names].sort()) {
    const s = { accepted: accepted.get(n) ?? 0, rejected: kept.get(n)?.rejected ?? 0, reprocessed: kept.get(n)?.reprocessed ?? 0, dlq: dlq.get(n) ?? 0 };
    out.per_source[n] = s;
    out.accepted += s.accepted;
    out.rejected += s.rejected;
    out.reprocessed += s.reprocessed;
    out.dlq_size += s.dlq;
  }
  return out;
}
