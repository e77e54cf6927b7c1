// The dead letters of a JetStream queue: one message per rejected event on
// `<stream>.dlq.<source>` in a stream of their own. Entries leave only through reprocess, which
// writes what replaces an entry (the event in the queue, or the entry with one more attempt,
// at the end of the DLQ) and has it acknowledged before it deletes the old message: a crash in
// between leaves a copy, never a loss (a copy of an id already seen is dropped).
import { randomUUID } from "node:crypto";
import type { JetStreamManager } from "nats";
import { MeshroomError } from "../errors/index.js";
import { ITEMS_PER_TURN, yieldTurn } from "./body.js";
import { DlqEntrySchema, type DlqEntry, type NewDlqEntry } from "./dlq.js";
import { MAX_OVERSIZE_RAW, MAX_PAGE_BYTES } from "./limits.js";
import type { QueueDeadLetters } from "./queue.js";
import { readStream, type StreamMsg } from "./js-util.js";
import type { EventAck, JsPublisher } from "./js-publisher.js";

export class JsDlq implements QueueDeadLetters {
  constructor(
    private readonly publisher: JsPublisher,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    private readonly prefix: string,
    /** The largest message the servers take (their max_payload). */
    private readonly maxPayload: number,
  ) {}

  subject(source: string): string {
    return `${this.prefix}.dlq.${source}`;
  }

  /** Appends rejected events; resolves with their ids once JetStream acknowledged every one. */
  async add(items: NewDlqEntry[]): Promise<string[]> {
    const ids: string[] = [];
    const acks: Promise<unknown>[] = [];
    for (const [i, e] of items.entries()) {
      if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await yieldTurn();
      const entry: DlqEntry = { ...e, id: randomUUID(), attempts: 0 };
      ids.push(entry.id);
      acks.push(this.put(entry));
    }
    await Promise.all(acks);
    return ids;
  }

  /** Publishes one entry (its raw text cut when the message would exceed the servers' limit). */
  put(entry: DlqEntry): Promise<EventAck> {
    let text = JSON.stringify(entry);
    if (text.length > this.maxPayload / 4 && Buffer.byteLength(text) > this.maxPayload - 1024) {
      // never refused for its size: the start of the raw text is kept, as for an event refused for its shape
      text = JSON.stringify({ ...entry, raw: entry.raw.slice(0, MAX_OVERSIZE_RAW), raw_truncated: true, raw_base64: undefined });
    }
    return this.publisher.publish(this.stream, this.subject(entry.source), text);
  }

  async list(opts: { source?: string; limit: number }): Promise<DlqEntry[]> {
    const out: DlqEntry[] = [];
    const seen = new Set<string>();
    let bytes = 0;
    for await (const { entry, size } of this.entries(opts.source)) {
      if (out.length >= opts.limit || (out.length > 0 && bytes + size > MAX_PAGE_BYTES)) break;
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      out.push(entry);
      bytes += size;
    }
    return out;
  }

  async total(source?: string): Promise<number> {
    if (source === undefined) return (await this.jsm.streams.info(this.stream)).state.messages;
    return (await this.countsBySource(this.subject(source))).get(source) ?? 0;
  }

  async countsBySource(filter = `${this.prefix}.dlq.>`): Promise<Map<string, number>> {
    const { state } = await this.jsm.streams.info(this.stream, { subjects_filter: filter });
    const cut = `${this.prefix}.dlq.`.length;
    return new Map(Object.entries(state.subjects ?? {}).map(([s, n]) => [s.slice(cut), n]));
  }

  /** Every entry now stored (of `source`), oldest first, with its message sequence. */
  async *entries(source?: string): AsyncGenerator<{ entry: DlqEntry; seq: number; size: number }> {
    const { state } = await this.jsm.streams.info(this.stream);
    const filter = source === undefined ? `${this.prefix}.dlq.>` : this.subject(source);
    for await (const m of readStream(this.jsm, this.stream, filter, state.first_seq, state.last_seq)) yield { entry: parseEntry(m, this.stream), seq: m.seq, size: m.data.length };
  }

  /** Deletes the message `seq` (its replacement already acknowledged). */
  async remove(seq: number): Promise<void> {
    await this.jsm.streams.deleteMessage(this.stream, seq, false).catch((e: unknown) => {
      if (!/no message found|not found/i.test(String(e))) throw e; // already gone: deleted by another reprocess
    });
  }
}

function parseEntry(m: StreamMsg, stream: string): DlqEntry {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(m.data).toString("utf8"));
  } catch {
    json = undefined;
  }
  const r = DlqEntrySchema.safeParse(json);
  if (!r.success) throw new MeshroomError("E_STATE", `message ${m.seq} of the dead-letter stream ${stream} is not a dead-letter entry`);
  return r.data;
}
