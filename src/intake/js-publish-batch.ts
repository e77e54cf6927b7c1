// JetStream publishes of one event-loop turn, handed to the client together. The NATS client
// flushes its outbound buffer once per microtask checkpoint; requests arriving in one poll phase
// each publish from their own callback, so every event became its own socket write. Queued
// here and published from one check-phase callback, they leave in one write. Each publish
// still resolves with its own PubAck (or error): nothing is acknowledged for another.
import type { JetStreamClient, JetStreamPublishOptions, PubAck } from "nats";

interface Pending {
  subject: string;
  data: string | Uint8Array;
  opts: Partial<JetStreamPublishOptions> | undefined;
  resolve: (ack: PubAck) => void;
  reject: (e: unknown) => void;
}

export class PublishBatch {
  private queue: Pending[] = [];

  constructor(private readonly js: JetStreamClient) {}

  publish(subject: string, data: string | Uint8Array, opts?: Partial<JetStreamPublishOptions>): Promise<PubAck> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ subject, data, opts, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    for (const p of batch) {
      try {
        this.js.publish(p.subject, p.data, p.opts).then(p.resolve, p.reject);
      } catch (e) {
        p.reject(e);
      }
    }
  }
}
