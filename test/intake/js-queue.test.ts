// The JetStream queue kind against a real single-node nats-server (started on a loopback port,
// storage in a temp dir): the same conformance suite as the file queue, plus what only a shared,
// networked queue has (two handles on one stream, credentials never on the command line).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQueue } from "../../src/intake/index.js";
import { parseNatsTarget } from "../../src/intake/nats-target.js";
import { items, queueConformance } from "./queue-conformance.js";
import { natsAvailable, startNats, type NatsTestCluster } from "../../bench/nats-server.js";

const available = natsAvailable();
let nats: NatsTestCluster | undefined;
let streams = 0;
const nextStream = (): string => `T${process.pid}_${++streams}`;

describe.skipIf(!available)("JetStream queue (nats-server on loopback)", () => {
  beforeAll(async () => {
    nats = await startNats(1);
  }, 30_000);
  afterAll(async () => {
    await nats?.destroy();
  });

  queueConformance("nats (JetStream, one server)", async () => {
    const url = `${nats!.url}?stream=${nextStream()}`;
    return { queue: await openQueue("/nonexistent", url), reopen: () => openQueue("/nonexistent", url), cleanup: async () => undefined };
  });

  it("two handles on one stream see each other's sources, events and dead letters", async () => {
    const url = `${nats!.url}?stream=${nextStream()}`;
    const a = await openQueue("/nonexistent", url);
    const b = await openQueue("/nonexistent", url);
    try {
      const token = await a.sources.create({ name: "fw", kind: "producer" });
      await expect.poll(() => b.sources.authenticate("fw", token)?.name, { timeout: 5000 }).toBe("fw");
      const META = { receivedAt: new Date(), remoteAddress: "127.0.0.1" };
      const ra = await a.ingest("fw", items({ summary: "from a" }, 7), META);
      const rb = await b.ingest("fw", items({ summary: "from b" }), META);
      expect(rb.offsets[0]).toBeGreaterThan(ra.offsets[0] as number);
      const page = await b.spool.read({ after: 0, limit: 10 });
      expect(page.events.map((e) => e.summary)).toEqual(["from a", "from b"]);
      expect(await b.dlq.total("fw")).toBe(1);
      await b.sources.remove("fw");
      await expect.poll(() => a.sources.authenticate("fw", token), { timeout: 5000 }).toBeUndefined();
      // a long poll on one handle wakes for the other's append
      const last = (await a.spool.stats()).last;
      await b.sources.create({ name: "fw2", kind: "producer" });
      await expect.poll(() => a.sources.get("fw2")?.name, { timeout: 5000 }).toBe("fw2");
      const waiting = a.spool.waitFor(last, 20_000);
      await b.ingest("fw2", items({ summary: "wake" }), META);
      await waiting;
      expect((await a.spool.stats()).last).toBeGreaterThan(last);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("refuses credentials in the URL and reads them from a file or the environment", async () => {
    expect(() => parseNatsTarget("nats://user:secret@127.0.0.1:4222")).toThrow(/visible in the process list/);
    expect(parseNatsTarget("nats://10.0.0.1:4222,10.0.0.2?stream=S&replicas=3")).toEqual({ servers: ["10.0.0.1:4222", "10.0.0.2"], stream: "S", replicas: 3 });
    expect(() => parseNatsTarget("nats://h:1?replicas=2")).toThrow(/replicas/);
    expect(() => parseNatsTarget("nats://h:1?stream=a.b")).toThrow(/not allowed/);
  });
});
