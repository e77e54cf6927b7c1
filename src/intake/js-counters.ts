// Rejected and reprocessed counts of a JetStream queue: one KV entry per source, added to with
// compare-and-set (several intakes add to the same entry). Each intake sums its own additions
// in memory and writes them at most once a second, on a snapshot and on close. Accepted and
// dead-letter counts are not kept here: the streams know them exactly.
import type { KV } from "nats";
import { counterSnapshot, PerSource, type CounterSnapshot } from "./counters.js";
import { isWrongRevision } from "./js-util.js";

export class KvCounters {
  private pending = new Map<string, PerSource>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly kv: KV) {}

  add(source: string, what: keyof PerSource, n: number): void {
    if (n === 0) return;
    const cur = this.pending.get(source) ?? { rejected: 0, reprocessed: 0 };
    cur[what] += n;
    this.pending.set(source, cur);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, 1000);
    this.timer.unref();
  }

  /** Writes what this intake added since the last flush; what fails is kept for the next one. */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      const todo = this.pending;
      this.pending = new Map();
      for (const [source, d] of todo) {
        try {
          await this.addToEntry(source, d);
        } catch (e) {
          for (const [s, x] of todo) if (s === source || !this.pending.has(s)) this.pending.set(s, x);
          throw e;
        }
        todo.delete(source);
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  async snapshot(accepted: Map<string, number>, dlq: Map<string, number>): Promise<CounterSnapshot> {
    await this.flush();
    const stored = new Map<string, PerSource>();
    const keys: string[] = [];
    // listed first: a get while the listing runs cuts the listing short
    for await (const k of await this.kv.keys()) if (!k.startsWith("_")) keys.push(k); // `_…`: locks, not sources
    for (const k of keys) {
      const e = await this.kv.get(k);
      if (e && e.operation === "PUT") stored.set(k, parse(e.json()));
    }
    return counterSnapshot(accepted, dlq, stored);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async addToEntry(source: string, d: PerSource): Promise<void> {
    for (;;) {
      const e = await this.kv.get(source);
      const cur = e && e.operation === "PUT" ? parse(e.json()) : { rejected: 0, reprocessed: 0 };
      const next = JSON.stringify({ rejected: cur.rejected + d.rejected, reprocessed: cur.reprocessed + d.reprocessed });
      try {
        if (e) await this.kv.update(source, next, e.revision);
        else await this.kv.create(source, next);
        return;
      } catch (err) {
        if (!isWrongRevision(err)) throw err;
      }
    }
  }
}

function parse(json: unknown): PerSource {
  const r = PerSource.safeParse(json);
  // a damaged entry only costs history, never events: counted from zero
  return r.success ? r.data : { rejected: 0, reprocessed: 0 };
}
