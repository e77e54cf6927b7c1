// Idempotent posts: `POST /events/<source>` with an `Idempotency-Key` header runs once per
// (source, key) within a window; a retry gets the first reply again instead of storing the
// events again. The replies are kept in `idempotency.jsonl` (fsync'd before the first reply
// goes out), and every event stored under a key carries it (`idempotency_key` in the
// envelope, in the same append as the event), so a crash after storing and before replying
// is recognised on restart too. Memory is bounded: replies older than the window, or past a
// byte budget (oldest first), are forgotten.
import { createHash } from "node:crypto";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { GroupCommit } from "./group-commit.js";
import { JsonlFile } from "./jsonl-file.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_IDEMPOTENCY_MAX_BYTES = 32 * 1024 * 1024;
/** 1–255 visible ASCII characters (no spaces or controls). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface StoredReply {
  status: number;
  body: Record<string, unknown>;
}

export type IdempotentOutcome =
  | { kind: "fresh"; reply: StoredReply }
  | { kind: "replayed"; reply: StoredReply }
  | { kind: "conflict"; error: string };

const Record_ = z.object({
  source: z.string(),
  key: z.string(),
  /** sha256 of the content type and body of the first request; absent when rebuilt from the spool. */
  fingerprint: z.string().optional(),
  at: z.number(),
  status: z.number().int(),
  body: z.record(z.string(), z.unknown()),
});
type Entry = z.infer<typeof Record_> & { size: number };

/** The header's key: undefined when absent; an error text when malformed. */
export function parseIdempotencyKey(header: string | string[] | undefined): { key?: string; error?: string } {
  if (header === undefined) return {};
  if (Array.isArray(header) || !KEY_PATTERN.test(header)) {
    return { error: "`Idempotency-Key` must be one header of 1-255 visible ASCII characters (e.g. a UUID)" };
  }
  return { key: header };
}

export function requestFingerprint(contentType: string | undefined, body: Buffer): string {
  return createHash("sha256").update(contentType ?? "").update("\n").update(body).digest("hex");
}

export class IdempotencyTable {
  /** (source, key) → entry; Map order is insertion order, i.e. oldest first. */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private bytes = 0;
  private readonly writer: GroupCommit<string, undefined>;

  private constructor(
    private readonly file: JsonlFile,
    private readonly windowMs: number,
    private readonly maxBytes: number,
  ) {
    this.writer = new GroupCommit(async (batch) => {
      await this.file.appendDurably(batch.join(""));
      // the journal holds forgotten replies too: rewrite it with the known ones when it has grown
      if (this.file.byteSize > 4 * this.maxBytes) await this.file.replace(this.journalText());
      return batch.map(() => undefined);
    });
  }

  /**
   * Opens the journal, drops what is past the window or the budget (rewriting the file when it
   * did), then adds the keys of events stored under a key whose reply was never recorded (a
   * crash between storing and replying): their replay is `{accepted, offsets}` from the spool.
   */
  static async open(
    path: string,
    stored: Map<string, { source: string; key: string; at: number; offsets: number[] }>,
    opts: { windowMs?: number; maxBytes?: number; now?: number } = {},
  ): Promise<IdempotencyTable> {
    const found: Entry[] = [];
    let lineNo = 0;
    const { file } = await JsonlFile.open(path, (value) => {
      lineNo++;
      const r = Record_.safeParse(value);
      if (!r.success) throw new MeshroomError("E_STATE", `${path}:${lineNo}: the line is not an idempotency record`);
      found.push({ ...r.data, size: 0 });
    });
    const table = new IdempotencyTable(file, opts.windowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS, opts.maxBytes ?? DEFAULT_IDEMPOTENCY_MAX_BYTES);
    for (const e of found) table.remember(e);
    let added = 0;
    for (const s of stored.values()) {
      if (table.entries.has(_id(s.source, s.key))) continue;
      table.remember({ source: s.source, key: s.key, at: s.at, status: 202, body: { accepted: s.offsets.length, offsets: s.offsets }, size: 0 });
      added++;
    }
    table.expire(opts.now ?? Date.now());
    if (added > 0 || table.entries.size !== found.length) await file.replace(table.journalText());
    return table;
  }

  /**
   * Runs `work` (which stores the events and returns the reply) at most once per (source, key)
   * within the window. A retry with the same body gets the recorded reply; with another body,
   * a conflict. A retry while the first is still running waits for it.
   */
  async run(source: string, key: string, fingerprint: string, work: () => Promise<StoredReply>): Promise<IdempotentOutcome> {
    const id = _id(source, key);
    for (;;) {
      this.expire(Date.now());
      const known = this.entries.get(id);
      if (known) {
        if (known.fingerprint !== undefined && known.fingerprint !== fingerprint) {
          return { kind: "conflict", error: "this Idempotency-Key was used with a different request body: use a new key for new events" };
        }
        return { kind: "replayed", reply: { status: known.status, body: known.body } };
      }
      const running = this.inflight.get(id);
      if (!running) break;
      await running.catch(() => undefined);
    }
    const p = (async (): Promise<StoredReply> => {
      const reply = await work();
      if (reply.status === 202 || reply.status === 422) {
        const entry: Entry = { source, key, fingerprint, at: Date.now(), status: reply.status, body: reply.body, size: 0 };
        // remembered first: should the journal write fail (500), the client's retry is still a replay
        this.remember(entry);
        await this.writer.submit(_line(entry));
      }
      return reply;
    })();
    this.inflight.set(id, p);
    try {
      return { kind: "fresh", reply: await p };
    } finally {
      this.inflight.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.file.close();
  }

  private journalText(): string {
    this.expire(Date.now());
    return [...this.entries.values()].map(_line).join("");
  }

  private remember(e: Entry): void {
    const id = _id(e.source, e.key);
    const old = this.entries.get(id);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(id);
    }
    e.size = _line(e).length;
    this.entries.set(id, e);
    this.bytes += e.size;
  }

  private expire(now: number): void {
    for (const [id, e] of this.entries) {
      if (e.at > now - this.windowMs && this.bytes <= this.maxBytes) break;
      this.entries.delete(id);
      this.bytes -= e.size;
    }
  }
}

function _id(source: string, key: string): string {
  return `${source}\u0000${key}`;
}

function _line(e: Entry): string {
  const { size: _size, ...record } = e;
  return JSON.stringify(record) + "\n";
}

const KeyedLine = z.object({ source: z.string(), idempotency_key: z.string(), receivedtimestamp: z.string() });

/**
 * Collects, while the spool is replayed, the events stored under a key within the window: what
 * `IdempotencyTable.open` needs to recognise a request stored just before a crash.
 */
export function storedKeyCollector(windowMs = DEFAULT_IDEMPOTENCY_WINDOW_MS, now = Date.now()) {
  const stored = new Map<string, { source: string; key: string; at: number; offsets: number[] }>();
  const onEntry = (line: unknown, offset: number): void => {
    if (typeof line !== "object" || line === null || !("idempotency_key" in line)) return;
    const r = KeyedLine.safeParse(line);
    if (!r.success) return;
    const at = Date.parse(r.data.receivedtimestamp);
    if (!(at > now - windowMs)) return;
    const id = _id(r.data.source, r.data.idempotency_key);
    const s = stored.get(id);
    if (s) s.offsets.push(offset);
    else stored.set(id, { source: r.data.source, key: r.data.idempotency_key, at, offsets: [offset] });
  };
  return { stored, onEntry };
}
