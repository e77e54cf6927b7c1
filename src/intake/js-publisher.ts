// JetStream publishes (events and dead letters), each acknowledged by its own PubAck, at a cost
// that does not grow with the client's per-request machinery. `JetStreamClient.publish` is a
// request: per event it starts a timer, registers a waiter in the client's reply multiplexer and,
// once the ack arrived, rejects an already-settled promise with a freshly built "cancelled"
// NatsError (its stack captured): 6–7% of an intake's CPU under load. Here one subscription on a
// private reply prefix takes every ack, one interval sweeps the late ones, and nothing is built per
// event but the waiter. Publishes leave in batches, as a group commit: while a batch waits for its
// acks, the next one gathers, and leaves when the last ack came back (or when the batch has waited
// `stallMs`, 25 ms: a lost ack never holds the others until the timeout). A batch is handed to the
// client in one go (it flushes once per microtask checkpoint: one socket write), in call order, so
// the stream sequences increase in that order. Under load this means a few large writes instead of
// many small ones, and far fewer wakeups of the NATS server and of the intake.
import { createInbox, headers, type Msg, type NatsConnection, type NatsError, type Subscription } from "nats";

export interface EventAck {
  stream: string;
  seq: number;
  /** JetStream had already stored a message with this message id (nothing new was stored). */
  duplicate: boolean;
}

/** A publish JetStream refused or did not answer; `code`: "503" no stream takes the subject, "timeout", or JetStream's error code. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "PublishError";
  }
}

interface Queued {
  stream: string;
  subject: string;
  data: string | Uint8Array;
  msgID: string | undefined;
  resolve(ack: EventAck): void;
  reject(e: Error): void;
}

interface Waiting {
  stream: string;
  subject: string;
  /** performance.now() when handed to the client. */
  sentAt: number;
  resolve(ack: EventAck): void;
  reject(e: Error): void;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** How long a batch in flight holds the next one back at most (a normal round trip is well under 1 ms). */
const DEFAULT_STALL_MS = 25;

export interface PublisherOptions {
  /** A publish not acknowledged within this fails (default 5 s). */
  timeoutMs?: number;
  /** A batch in flight holds the next back this long at most (default 25 ms). */
  stallMs?: number;
}

export class JsPublisher {
  private queue: Queued[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private readonly prefix: string;
  private readonly sub: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private counter = 0;
  private closedWith: Error | undefined;
  private flushScheduled = false;
  /** performance.now() of the last batch handed to the client. */
  private lastFlushAt = 0;
  private stallTimer: NodeJS.Timeout | undefined;

  private readonly timeoutMs: number;
  private readonly stallMs: number;

  constructor(
    private readonly nc: NatsConnection,
    opts: PublisherOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
    this.prefix = createInbox();
    this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (err, msg) => this._onReply(err, msg) });
    this.sweeper = setInterval(() => this._sweep(), Math.max(10, Math.min(1000, Math.floor(this.timeoutMs / 4))));
    this.sweeper.unref();
    nc.closed().then(
      () => this.close(new PublishError("the NATS connection closed before JetStream acknowledged the event", "closed")),
      () => this.close(new PublishError("the NATS connection closed before JetStream acknowledged the event", "closed")),
    );
  }

  /**
   * Publishes one message to `subject`, which `stream` takes; resolves with its sequence once
   * JetStream stored it (or had it: `duplicate`). An ack from another stream (the streams were
   * changed under the intake) fails the publish: its sequence is no offset of `stream`.
   */
  publish(stream: string, subject: string, data: string | Uint8Array, msgID?: string): Promise<EventAck> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<EventAck>((resolve, reject) => {
      if (this.queue.push({ stream, subject, data, msgID, resolve, reject }) > 1) return; // a flush or a stall guard is already due
      if (this.waiting.size === 0) this._scheduleFlush();
      else this._guardStall();
    });
  }

  /** Stops taking acks; what is still waiting fails with `why`. */
  close(why: Error = new PublishError("the publisher was closed before JetStream acknowledged the event", "closed")): void {
    if (this.closedWith) return;
    this.closedWith = why;
    clearInterval(this.sweeper);
    clearTimeout(this.stallTimer);
    if (!this.nc.isClosed()) this.sub.unsubscribe();
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) q.reject(why);
    for (const w of this.waiting.values()) w.reject(why);
    this.waiting.clear();
  }

  /** How many publishes wait for their ack (tests). */
  get inFlight(): number {
    return this.waiting.size + this.queue.length;
  }

  /** In the check phase: every publish made in this turn's poll phase joins the batch. */
  private _scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this._flush();
    });
  }

  /** A batch in flight holds the queue back, for `stallMs` after it left at most. */
  private _guardStall(): void {
    if (this.stallTimer) return;
    const wait = Math.max(0, this.lastFlushAt + this.stallMs - performance.now());
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.queue.length === 0) return;
      if (this.waiting.size === 0 || performance.now() - this.lastFlushAt >= this.stallMs) this._scheduleFlush();
      else this._guardStall();
    }, wait);
  }

  /** An ack (or failure) came back: when it was the batch's last, the publishes gathered meanwhile leave together. */
  private _settled(): void {
    if (this.waiting.size === 0 && this.queue.length > 0) this._scheduleFlush();
  }

  private _flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const now = performance.now();
    this.lastFlushAt = now;
    for (const q of batch) {
      if (this.closedWith) {
        q.reject(this.closedWith);
        continue;
      }
      const token = (++this.counter).toString(36);
      try {
        let h;
        if (q.msgID !== undefined) {
          h = headers();
          h.set("Nats-Msg-Id", q.msgID);
        }
        this.waiting.set(token, { stream: q.stream, subject: q.subject, sentAt: now, resolve: q.resolve, reject: q.reject });
        this.nc.publish(q.subject, q.data, h === undefined ? { reply: `${this.prefix}.${token}` } : { reply: `${this.prefix}.${token}`, headers: h });
      } catch (e) {
        this.waiting.delete(token);
        q.reject(e as Error);
      }
    }
  }

  private _onReply(err: NatsError | null, msg: Msg): void {
    if (err) return this.close(new PublishError(`the reply subscription failed: ${err.message}`, err.code));
    const token = msg.subject.slice(this.prefix.length + 1);
    const w = this.waiting.get(token);
    if (!w) return; // already timed out
    this.waiting.delete(token);
    this._settled();
    const h = msg.headers;
    if (h !== undefined && h.hasError) {
      const code = String(h.code);
      return w.reject(
        new PublishError(code === "503" ? `no JetStream stream takes ${w.subject} (503 no responders)` : `NATS answered ${code} ${h.description} for ${w.subject}`, code),
      );
    }
    let ack: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: unknown; err_code?: unknown; description?: unknown } };
    try {
      ack = JSON.parse(msg.string()) as typeof ack;
    } catch {
      return w.reject(new PublishError(`JetStream's acknowledgement for ${w.subject} is not JSON`, "bad_ack"));
    }
    if (ack.error !== undefined) {
      const code = String(ack.error.err_code ?? ack.error.code ?? "error");
      return w.reject(new PublishError(`JetStream refused the message on ${w.subject}: ${String(ack.error.description ?? "no description")} (${code})`, code));
    }
    if (typeof ack.stream !== "string" || ack.stream === "" || typeof ack.seq !== "number" || !Number.isSafeInteger(ack.seq) || ack.seq < 1) {
      return w.reject(new PublishError(`JetStream's acknowledgement for ${w.subject} has no stream sequence`, "bad_ack"));
    }
    if (ack.stream !== w.stream) {
      return w.reject(new PublishError(`JetStream stored the message on ${w.subject} in stream ${ack.stream}, not ${w.stream}: the streams were changed under the intake`, "wrong_stream"));
    }
    w.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true });
  }

  private _sweep(): void {
    const cutoff = performance.now() - this.timeoutMs;
    for (const [token, w] of this.waiting) {
      if (w.sentAt > cutoff) break; // insertion order is send order
      this.waiting.delete(token);
      this._settled();
      w.reject(new PublishError(`JetStream did not acknowledge the message on ${w.subject} within ${this.timeoutMs} ms`, "timeout"));
    }
  }
}
