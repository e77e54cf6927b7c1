// The intake queue as a seam: what the HTTP routes and the CLI's offline commands need of
// wherever the events live. Today's implementation is the files of the data directory
// (`IntakeStore`: spool.jsonl, dlq.jsonl, sources.json, counters.json, idempotency.jsonl);
// another one (e.g. NATS JetStream) registers a kind in queue-kinds.ts and must pass the same
// conformance suite (test/intake/queue-conformance.ts).
import type { BodyItem } from "./body.js";
import type { CounterSnapshot } from "./counters.js";
import type { DlqEntry } from "./dlq.js";
import type { IdempotentOutcome, StoredReply } from "./idempotency.js";
import type { SourceInfo, SourceKind, SourceRecord } from "./sources.js";
import type { QueuePage, RawPage, ReadOptions } from "./spool.js";

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
  /** The first MAX_LISTED_REJECTIONS rejections (all of them are in the DLQ). */
  rejected: Rejection[];
  /** How many events were rejected in all. */
  rejectedCount: number;
}

export interface ReprocessResult {
  examined: number;
  moved: number;
  remaining: number;
  offsets: number[];
  /** DLQ entries of sources that no longer exist: kept, never moved. */
  orphaned: number;
}

/** The source registry: names, kinds, optional JSON schemas, and only the sha256 of each token. */
export interface QueueSources {
  list(): SourceInfo[];
  /** The stored record (token hash, never the token). */
  get(name: string): SourceRecord | undefined;
  /**
   * The source named `name` when `token` is its token (a wrong token costs the same whatever it is).
   * `connection`: a keep-alive connection that already showed this token for this source skips the hash.
   */
  authenticate(name: string, token: string, connection?: object): SourceRecord | undefined;
  /** The source whose token this is, whatever its name (queue readers). */
  authenticateAny(token: string): SourceRecord | undefined;
  /** Creates a source; resolves with its token, the only time it exists in clear. E_EXISTS when taken. */
  create(input: { name: string; kind: SourceKind; schema?: Record<string, unknown> }): Promise<string>;
  /** Revokes a source and its token at once. E_NOT_FOUND when unknown. */
  remove(name: string): Promise<void>;
  /** Sets (or with `null` removes) a source's schema; E_BAD_VALUE when it does not compile. */
  setSchema(name: string, schema: Record<string, unknown> | null): Promise<void>;
}

/** The accepted events, each with a strictly increasing offset (GET /queue). */
export interface QueueEvents {
  /** The highest offset stored (0 when empty) and how many events are stored, as the storage has them now. */
  stats(): Promise<{ last: number; count: number }>;
  /** One page after `after` (of `source` when given): at most `limit` events and MAX_PAGE_BYTES, one event always. */
  read(opts: ReadOptions): Promise<QueuePage>;
  /** `read`, with each event as its stored JSON text, comma-separated (sent as is). */
  readRaw(opts: ReadOptions): Promise<RawPage>;
  /** Resolves when an event past `after` exists, or after `ms`, or on abort. */
  waitFor(after: number, ms: number, signal?: AbortSignal): Promise<void>;
}

/** The dead letters: rejected events with why; they leave only through `IntakeQueue.reprocess`. */
export interface QueueDeadLetters {
  /** The oldest `limit` entries (of `source` when given), at most MAX_PAGE_BYTES of them, one always. */
  list(opts: { source?: string; limit: number }): Promise<DlqEntry[]>;
  /** How many there are, of `source` when given. */
  total(source?: string): Promise<number>;
}

/** Replies to `Idempotency-Key` posts, kept for a window. */
export interface QueueIdempotency {
  /** Runs `work` once per (source, key); a retry with the same request gets the first reply, another request 409. */
  run(source: string, key: string, fingerprint: string, work: () => Promise<StoredReply>): Promise<IdempotentOutcome>;
}

export interface IntakeQueue {
  readonly sources: QueueSources;
  readonly spool: QueueEvents;
  readonly dlq: QueueDeadLetters;
  readonly idempotency: QueueIdempotency;
  /** Bytes cut from torn last lines while opening (0 when the storage has no such thing). */
  readonly recoveredBytes: number;
  /**
   * Checks one request's events (base fields, the source's schema) and stores them: valid ones
   * appended to the events (their offsets returned), the others to the dead letters.
   */
  ingest(source: string, items: BodyItem[], meta: IngestMeta): Promise<IngestResult>;
  /** Replays the dead letters (of `source`) against the current schemas; fixed ones join the events once. */
  reprocess(opts?: { source?: string }): Promise<ReprocessResult>;
  /** Accepted / rejected / reprocessed / dead-letter counts, in all and per source. */
  counterSnapshot(): Promise<CounterSnapshot>;
  /** Finishes pending writes and releases the storage. */
  close(): Promise<void>;
}
