// Publishes of one event-loop turn reach the NATS client between two microtask checkpoints
// (the client flushes once per checkpoint: one socket write), in order, each with its own outcome.
import type { JetStreamClient, PubAck } from "nats";
import { describe, expect, it } from "vitest";
import { PublishBatch } from "../../src/intake/js-publish-batch.js";

function fakeClient(failOn: string): { client: JetStreamClient; flushes: string[][] } {
  const flushes: string[][] = [];
  let pending: string[] = [];
  let seq = 0;
  const client = {
    publish(subject: string, data: string): Promise<PubAck> {
      // what the real client does: buffer, and flush once at the next microtask checkpoint
      if (pending.push(data) === 1) queueMicrotask(() => flushes.push(pending.splice(0)));
      if (data === failOn) return Promise.reject(new Error(`no ack for ${data}`));
      return Promise.resolve({ stream: "S", seq: ++seq, duplicate: false, domain: "" } as PubAck);
    },
  } as unknown as JetStreamClient;
  return { client, flushes };
}

describe("JetStream publish batch", () => {
  it("hands the publishes of separate callbacks of one turn to the client together, in order, each with its own ack or error", async () => {
    const { client, flushes } = fakeClient("b2");
    const batch = new PublishBatch(client);
    // three timer callbacks of one timers phase, as three requests' handlers of one poll phase
    const outcomes = await Promise.all(
      [["a1", "a2"], ["b1", "b2"], ["c1"]].map(
        (events) =>
          new Promise<unknown[]>((resolve) =>
            setTimeout(() => resolve(Promise.all(events.map((e) => batch.publish("ev.s", e).then((ack) => ack.seq, (err: Error) => err.message)))), 0),
          ),
      ),
    );
    expect(flushes).toEqual([["a1", "a2", "b1", "b2", "c1"]]);
    expect(outcomes).toEqual([[1, 2], [3, "no ack for b2"], [4]]);
  });

  it("a client that throws at once fails that publish only", async () => {
    let n = 0;
    const client = {
      publish: (_s: string, data: string) => {
        if (data === "bad") throw new Error("connection closed");
        return Promise.resolve({ seq: ++n } as PubAck);
      },
    } as unknown as JetStreamClient;
    const batch = new PublishBatch(client);
    const r = await Promise.allSettled([batch.publish("s", "ok"), batch.publish("s", "bad"), batch.publish("s", "ok2")]);
    expect(r.map((x) => (x.status === "fulfilled" ? x.value.seq : (x.reason as Error).message))).toEqual([1, "connection closed", 2]);
  });
});
