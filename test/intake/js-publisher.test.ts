// The intake's JetStream event publisher against a real nats-server on loopback: acks in call
// order, the publishes of one event-loop turn handed to the client together, duplicates by
// message id, and every way an ack can fail (no stream, JetStream's refusal, a malformed
// answer, no answer at all, the publisher closed) failing that publish only.
import { connect, DiscardPolicy, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsPublisher, PublishError } from "../../src/intake/js-publisher.js";
import { natsAvailable, startNats, type NatsTestCluster } from "../../bench/nats-server.js";

let nats: NatsTestCluster | undefined;
let nc: NatsConnection | undefined;
let streams = 0;

async function stream(opts: { maxMsgs?: number } = {}): Promise<string> {
  const name = `P${process.pid}_${++streams}`;
  const jsm = await nc!.jetstreamManager();
  await jsm.streams.add({ name, subjects: [`${name}.>`], ...(opts.maxMsgs ? { max_msgs: opts.maxMsgs, discard: DiscardPolicy.New } : {}) });
  return name;
}

/**
 * Records what `conn.publish` was given between two microtask checkpoints: what the client
 * writes to its socket at once. `restore` puts the real method back.
 */
function recordWrites(conn: NatsConnection): { writes: string[][]; restore(): void } {
  const writes: string[][] = [];
  let current: string[] = [];
  const original = conn.publish.bind(conn);
  conn.publish = (subject, data, opts) => {
    if (current.push(typeof data === "string" ? data : new TextDecoder().decode(data)) === 1) queueMicrotask(() => writes.push(current.splice(0)));
    original(subject, data, opts);
  };
  return { writes, restore: () => void (conn.publish = original) };
}

/** A responder on `subjects` that answers as JetStream does, when the test says so. */
function heldResponder(subjects: string): { held: { data: string; respond(seq: number): void }[]; stop(): void } {
  const held: { data: string; respond(seq: number): void }[] = [];
  const sub = nc!.subscribe(subjects, { callback: (_e, m) => held.push({ data: m.string(), respond: (seq) => m.respond(new TextEncoder().encode(`{"stream":"S","seq":${seq}}`)) }) });
  return { held, stop: () => sub.unsubscribe() };
}

const outcome = (p: Promise<{ seq: number }>): Promise<number | string> => p.then((a) => a.seq, (e: PublishError) => `${e.code}: ${e.message}`);

describe.skipIf(!natsAvailable())("JetStream event publisher (nats-server on loopback)", () => {
  beforeAll(async () => {
    nats = await startNats(1);
    nc = await connect({ servers: nats.url, noAsyncTraces: true });
  }, 30_000);
  afterAll(async () => {
    await nc?.close();
    await nats?.destroy();
  });

  it("hands the publishes of separate callbacks of one turn to the client together; acks come back in call order", async () => {
    const s = await stream();
    const { writes, restore } = recordWrites(nc!);
    const publisher = new JsPublisher(nc!);
    try {
      // three callbacks of one loop iteration, each followed by its own microtask checkpoint, as
      // three requests' handlers of one poll phase (check-phase callbacks: 0 ms timers may
      // straddle a millisecond and fire in two iterations on a loaded machine)
      const acks = await Promise.all(
        [["a1", "a2"], ["b1", "b2"], ["c1"]].map(
          (events) => new Promise<(number | string)[]>((resolve) => setImmediate(() => resolve(Promise.all(events.map((e) => outcome(publisher.publish(s, `${s}.x`, e))))))),
        ),
      );
      expect(writes).toEqual([["a1", "a2", "b1", "b2", "c1"]]);
      expect(acks).toEqual([[1, 2], [3, 4], [5]]);
    } finally {
      restore();
      publisher.close();
    }
  });

  it("while a batch waits for its acks the next one gathers, and leaves in one write when the last ack came back", async () => {
    const { held, stop } = heldResponder("held.*");
    const { writes, restore } = recordWrites(nc!);
    const publisher = new JsPublisher(nc!, { stallMs: 10_000 });
    const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 1));
    try {
      const first = publisher.publish("S", "held.a", "e1");
      await expect.poll(() => held.length).toBe(1);
      const later = [publisher.publish("S", "held.a", "e2")];
      await turn();
      later.push(publisher.publish("S", "held.a", "e3"));
      await turn();
      expect(writes).toEqual([["e1"]]); // held back while e1 waits
      held[0]!.respond(1);
      expect((await first).seq).toBe(1);
      await expect.poll(() => held.length).toBe(3);
      expect(writes).toEqual([["e1"], ["e2", "e3"]]);
      held[1]!.respond(2);
      held[2]!.respond(3);
      expect((await Promise.all(later)).map((a) => a.seq)).toEqual([2, 3]);
    } finally {
      restore();
      stop();
      publisher.close();
    }
  });

  it("an ack that does not come holds the next batch back for stallMs only, then fails alone at the timeout", async () => {
    const { held, stop } = heldResponder("lost.*");
    const publisher = new JsPublisher(nc!, { timeoutMs: 600, stallMs: 150 });
    try {
      const t0 = performance.now();
      const lost = outcome(publisher.publish("S", "lost.a", "never answered"));
      await expect.poll(() => held.length, { interval: 2 }).toBe(1);
      const next = publisher.publish("S", "lost.a", "next");
      await expect.poll(() => held.length, { interval: 2 }).toBe(2);
      const heldBack = performance.now() - t0;
      expect(heldBack).toBeGreaterThanOrEqual(145);
      expect(heldBack).toBeLessThan(500);
      held[1]!.respond(7);
      expect((await next).seq).toBe(7);
      expect(await lost).toMatch(/^timeout: JetStream did not acknowledge the message on lost\.a within 600 ms/);
    } finally {
      stop();
      publisher.close();
    }
  });

  it("a message id JetStream already has is acknowledged as a duplicate with the first sequence", async () => {
    const s = await stream();
    const publisher = new JsPublisher(nc!);
    try {
      const first = await publisher.publish(s, `${s}.x`, "one", "key-1");
      await publisher.publish(s, `${s}.x`, "two");
      const again = await publisher.publish(s, `${s}.x`, "one", "key-1");
      expect(first).toEqual({ stream: s, seq: 1, duplicate: false });
      expect(again).toEqual({ stream: s, seq: 1, duplicate: true });
    } finally {
      publisher.close();
    }
  });

  it("fails only the publish that no stream takes, or that JetStream refuses", async () => {
    const s = await stream({ maxMsgs: 1 });
    const publisher = new JsPublisher(nc!);
    try {
      const got = await Promise.all([outcome(publisher.publish(s, `${s}.x`, "fits")), outcome(publisher.publish(s, `NOSTREAM${s}.x`, "lost")), outcome(publisher.publish(s, `${s}.x`, "full"))]);
      expect(got[0]).toBe(1);
      expect(got[1]).toMatch(/^503: no JetStream stream takes NOSTREAM/);
      expect(got[2]).toMatch(/^10077: JetStream refused the message on .*maximum messages exceeded/i);
    } finally {
      publisher.close();
    }
  });

  it("refuses an answer that is not a PubAck of the stream asked for", async () => {
    const answers: Record<string, string> = { junk: "not json", nostream: '{"stream":"","seq":4}', noseq: '{"stream":"S"}', other: '{"stream":"T","seq":4}', error: '{"error":{"code":400,"err_code":10999,"description":"boom"}}' };
    const sub = nc!.subscribe("fake.*", { callback: (_e, m) => m.respond(new TextEncoder().encode(answers[m.subject.slice(5)] ?? "")) });
    const publisher = new JsPublisher(nc!);
    try {
      const got = await Promise.all(Object.keys(answers).map((k) => outcome(publisher.publish("S", `fake.${k}`, "x"))));
      expect(got).toEqual([
        "bad_ack: JetStream's acknowledgement for fake.junk is not JSON",
        "bad_ack: JetStream's acknowledgement for fake.nostream has no stream sequence",
        "bad_ack: JetStream's acknowledgement for fake.noseq has no stream sequence",
        "wrong_stream: JetStream stored the message on fake.other in stream T, not S: the streams were changed under the intake",
        "10999: JetStream refused the message on fake.error: boom (10999)",
      ]);
    } finally {
      sub.unsubscribe();
      publisher.close();
    }
  });

  it("fails a publish JetStream does not answer in time, and ignores its late ack", async () => {
    const s = await stream();
    const publisher = new JsPublisher(nc!, { timeoutMs: 300 });
    const pid = nats!.nodes[0]!.pid as number;
    process.kill(pid, "SIGSTOP"); // the server takes the bytes (socket buffer) but answers nothing
    let late: number | string;
    const t0 = performance.now();
    try {
      late = await outcome(publisher.publish(s, `${s}.x`, "stalled"));
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect(late).toMatch(/^timeout: JetStream did not acknowledge the message on .* within 300 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
    // the stalled message was stored once the server woke; its ack found nobody waiting
    expect(await outcome(publisher.publish(s, `${s}.x`, "next"))).toBe(2);
    expect(publisher.inFlight).toBe(0);
    publisher.close();
  });

  it("close fails what waits and what comes after, with the reason", async () => {
    const s = await stream();
    const publisher = new JsPublisher(nc!);
    const waiting = outcome(publisher.publish(s, `${s}.x`, "queued"));
    publisher.close(new PublishError("the intake is shutting down", "closed"));
    expect(await waiting).toBe("closed: the intake is shutting down");
    expect(await outcome(publisher.publish(s, `${s}.x`, "after"))).toBe("closed: the intake is shutting down");
  });

  it("a connection closed while an ack is awaited fails that publish", async () => {
    const own = await connect({ servers: nats!.url });
    const s = await stream();
    const publisher = new JsPublisher(own);
    const pid = nats!.nodes[0]!.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      const sent = outcome(publisher.publish(s, `${s}.x`, "unanswered"));
      await new Promise((r) => setImmediate(r)); // handed to the client
      await own.close();
      expect(await sent).toMatch(/^closed: the NATS connection closed before JetStream acknowledged the event/);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });
});
