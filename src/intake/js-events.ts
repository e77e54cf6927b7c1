// The accepted events of a JetStream queue: one message per event on `<stream>.events.<source>`,
// its offset the stream sequence. A page is read through an ordered consumer and sent as
// stored, the offset spliced in (like the file spool, nothing is parsed or re-encoded).
import type { JetStreamClient, JetStreamManager, NatsConnection, Subscription } from "nats";
import { MAX_PAGE_BYTES } from "./limits.js";
import type { QueueEvents } from "./queue.js";
import type { QueuePage, RawPage, ReadOptions } from "./spool.js";
import type { EventEnvelope } from "./envelope.js";
import { readStream } from "./js-util.js";

const COMMA = Buffer.from(",");
/** A long poll checks the stream at least this often, whatever it heard. */
const WAIT_POLL_MS = 1000;

export class JsEvents implements QueueEvents {
  private readonly waiters = new Set<() => void>();
  private holders = 0;
  private sub: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly prefix: string,
  ) {}

  subject(source: string): string {
    return `${this.prefix}.events.${source}`;
  }

  async stats(): Promise<{ last: number; count: number }> {
    const { state } = await this.jsm.streams.info(this.stream);
    return { last: state.last_seq, count: state.messages };
  }

  /** Accepted events per source, as the stream counts them. */
  async countsBySource(): Promise<Map<string, number>> {
    const { state } = await this.jsm.streams.info(this.stream, { subjects_filter: `${this.prefix}.events.>` });
    const cut = `${this.prefix}.events.`.length;
    return new Map(Object.entries(state.subjects ?? {}).map(([s, n]) => [s.slice(cut), n]));
  }

  async read(opts: ReadOptions): Promise<QueuePage> {
    const { json, count, next, last } = await this.readRaw(opts);
    const events = count === 0 ? [] : (JSON.parse(`[${Buffer.concat(json).toString("utf8")}]`) as EventEnvelope[]);
    return { events, next, last };
  }

  async readRaw(opts: ReadOptions): Promise<RawPage> {
    const { last } = await this.stats();
    const json: Buffer[] = [];
    let count = 0;
    let bytes = 0;
    let lastSeq = opts.after;
    let exhausted = true; // every event of the filter up to `last` was looked at
    const filter = opts.source === undefined ? `${this.prefix}.events.>` : this.subject(opts.source);
    // the whole stream is dense (events are never deleted): a page is fetched in parallel; one source's events one after another
    const dense = opts.source === undefined;
    for await (const m of readStream(this.jsm, this.stream, filter, opts.after + 1, last, { dense, batch: Math.min(opts.limit, 256) })) {
      if (count >= opts.limit || (count > 0 && bytes + m.data.length > MAX_PAGE_BYTES)) {
        exhausted = false;
        break;
      }
      // a stored event is an object text `{…}`: the offset goes in first, as in the file spool
      const body = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (count > 0) json.push(COMMA);
      json.push(Buffer.from(`{"offset":${m.seq},`), body.subarray(1));
      count++;
      bytes += m.data.length;
      lastSeq = m.seq;
    }
    let next = lastSeq;
    if (opts.source !== undefined && exhausted) next = Math.max(last, opts.after);
    return { json, count, next: Math.max(next, opts.after), last };
  }

  async waitFor(after: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return;
    const until = Date.now() + ms;
    this.hold(1);
    try {
      while (!signal?.aborted && (await this.stats()).last <= after) {
        const left = until - Date.now();
        if (left <= 0) return;
        await this.nap(Math.min(WAIT_POLL_MS, left), signal);
      }
    } finally {
      this.hold(-1);
    }
  }

  /** Wakes this process's long polls at once (its own appends). */
  appended(): void {
    for (const w of [...this.waiters]) w();
  }

  close(): void {
    this.appended();
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  /**
   * While someone long-polls, a plain subscription on the events' subjects hears every append
   * (any intake's) and wakes them; nobody waiting, nothing is received.
   */
  private hold(d: 1 | -1): void {
    this.holders += d;
    if (this.holders > 0) this.sub ??= this.nc.subscribe(`${this.prefix}.events.>`, { callback: () => this.appended() });
    else {
      this.sub?.unsubscribe();
      this.sub = undefined;
    }
  }

  private nap(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      this.waiters.add(done);
    });
  }
}
