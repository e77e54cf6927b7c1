// JetStream publishes of events, each acknowledged by its own PubAck, at a cost that does not
// grow with the client's per-request machinery. `JetStreamClient.publish` is a request: per
// event it starts a timer, registers a waiter in the client's reply multiplexer and, once the
// ack arrived, rejects an already-settled promise with a freshly built "cancelled" NatsError
// (its stack captured): 6–7% of an intake's CPU under load. Here one subscription on a private
// reply prefix takes every ack, one interval sweeps the late ones, and nothing is built per event
// but the waiter. Publishes of one event-loop turn are handed to the client together (it flushes
// once per microtask checkpoint, so requests published from separate callbacks each became their
// own socket write); they leave in call order, so their stream sequences increase in that order.
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
  subject: string;
  data: string | Uint8Array;
  msgID: string | undefined;
  resolve(ack: EventAck): void;
  reject(e: Error): void;
}

interface Waiting {
  subject: string;
  /** performance.now() when handed to the client. */
  sentAt: number;
  resolve(ack: EventAck): void;
  reject(e: Error): void;
}

const DEFAULT_TIMEOUT_MS = 5000;

export class JsPublisher {
  private queue: Queued[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private readonly prefix: string;
  private readonly sub: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private counter = 0;
  private closedWith: Error | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.prefix = createInbox();
    this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (err, msg) => this._onReply(err, msg) });
    this.sweeper = setInterval(() => this._sweep(), Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
    nc.closed().then(
      () => this.close(new PublishError("the NATS connection closed before JetStream acknowledged the event", "closed")),
      () => this.close(new PublishError("the NATS connection closed before JetStream acknowledged the event", "closed")),
    );
  }

  /** Publishes one message; resolves with its stream sequence once JetStream stored it (or had it: `duplicate`). */
  publish(subject: string, data: string | Uint8Array, msgID?: string): Promise<EventAck> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<EventAck>((resolve, reject) => {
      if (this.queue.push({ subject, data, msgID, resolve, reject }) === 1) setImmediate(() => this._flush());
    });
  }

  /** Stops taking acks; what is still waiting fails with `why`. */
  close(why: Error = new PublishError("the publisher was closed before JetStream acknowledged the event", "closed")): void {
    if (this.closedWith) return;
    this.closedWith = why;
    clearInterval(this.sweeper);
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

  private _flush(): void {
    const batch = this.queue;
    this.queue = [];
    const now = performance.now();
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
        this.waiting.set(token, { subject: q.subject, sentAt: now, resolve: q.resolve, reject: q.reject });
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
    w.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true });
  }

  private _sweep(): void {
    const cutoff = performance.now() - this.timeoutMs;
    for (const [token, w] of this.waiting) {
      if (w.sentAt > cutoff) break; // insertion order is send order
      this.waiting.delete(token);
      w.reject(new PublishError(`JetStream did not acknowledge the message on ${w.subject} within ${this.timeoutMs} ms`, "timeout"));
    }
  }
}
