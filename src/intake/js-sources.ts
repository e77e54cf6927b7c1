// The source registry of a JetStream queue: one KV entry per source (its record: token hash,
// never the token), shared by every intake on the stream. Each intake watches the bucket, so
// a source created or revoked through one is known to all within a moment; memory holds the
// records and compiled schemas for the synchronous checks of every request.
import type { KV, KvEntry } from "nats";
import type { QueueSources } from "./queue.js";
import { SourceTable, newSourceRecord, noSource, parseSourceRecord, sourceExists, type SourceKind, type SourceRecord } from "./sources.js";
import { isWrongRevision } from "./js-util.js";

export class KvSources extends SourceTable implements QueueSources {
  /** Entries the watch could not use (a record damaged in the bucket): named in errors, never trusted. */
  readonly damaged = new Map<string, string>();
  private stopWatch: (() => void) | undefined;

  private constructor(private readonly kv: KV) {
    super();
  }

  static async open(kv: KV): Promise<KvSources> {
    const s = new KvSources(kv);
    await s.watch();
    return s;
  }

  create(input: { name: string; kind: SourceKind; schema?: Record<string, unknown> }): Promise<string> {
    const { rec, token, validator } = newSourceRecord(input);
    return this.kv.create(input.name, JSON.stringify(rec)).then(
      () => {
        this.set(rec, validator);
        return token;
      },
      (e: unknown) => {
        throw isWrongRevision(e) ? sourceExists(input.name) : e;
      },
    );
  }

  async remove(name: string): Promise<void> {
    const e = await this.kv.get(name);
    if (!e || e.operation !== "PUT") throw noSource(name);
    // purge: no revision keeps the old record (its token hash) in the bucket
    await this.kv.purge(name);
    this.forget(name);
  }

  async setSchema(name: string, schema: Record<string, unknown> | null): Promise<void> {
    for (;;) {
      const e = await this.kv.get(name);
      if (!e || e.operation !== "PUT") throw noSource(name);
      const { rec } = parseSourceRecord(e.json(), `source ${name} in the KV bucket`);
      const next: SourceRecord = { ...rec };
      if (schema) next.schema = schema;
      else delete next.schema;
      const { validator } = parseSourceRecord(next, `source ${name}`); // compiles, E_BAD_VALUE when it does not
      try {
        await this.kv.update(name, JSON.stringify(next), e.revision);
      } catch (err) {
        if (isWrongRevision(err)) continue; // changed meanwhile by another intake: read it again
        throw err;
      }
      this.set(next, validator);
      return;
    }
  }

  close(): void {
    this.stopWatch?.();
  }

  private async watch(): Promise<void> {
    let ready!: () => void;
    const initialized = new Promise<void>((r) => (ready = r));
    const w = await this.kv.watch({ initializedFn: () => ready() });
    this.stopWatch = () => w.stop();
    void (async () => {
      for await (const e of w) this.apply(e);
    })().catch(() => undefined);
    await initialized;
  }

  private apply(e: KvEntry): void {
    if (e.operation !== "PUT") {
      this.forget(e.key);
      this.damaged.delete(e.key);
      return;
    }
    try {
      const { rec, validator } = parseSourceRecord(e.json(), `source ${e.key} in the KV bucket`);
      if (rec.name !== e.key) throw new Error(`the record names \`${rec.name}\``);
      this.set(rec, validator);
      this.damaged.delete(e.key);
    } catch (err) {
      // a record nobody can check is not a source: no token of it is accepted
      this.forget(e.key);
      this.damaged.set(e.key, (err as Error).message);
    }
  }
}
