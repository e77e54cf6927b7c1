// The JetStream queue kind against a real single-node nats-server (started on a loopback port,
// storage in a temp dir): the same conformance suite as the file queue, plus what only a shared,
// networked queue has (two handles on one stream, credentials never on the command line).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      // a revoked name can be issued again, with a new token; the old one stays refused
      const again = await a.sources.create({ name: "fw", kind: "producer" });
      await expect.poll(() => b.sources.authenticate("fw", again)?.name, { timeout: 5000 }).toBe("fw");
      expect(b.sources.authenticate("fw", token)).toBeUndefined();
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

  it("dead-letters an event larger than the servers' max_payload (its raw text cut), storing the rest of the request", async () => {
    const q = await openQueue("/nonexistent", `${nats!.url}?stream=${nextStream()}`);
    try {
      await q.sources.create({ name: "big", kind: "producer" });
      const huge = { summary: "huge", payload: "x".repeat(1_100_000) };
      const r = await q.ingest("big", items({ summary: "small" }, huge), { receivedAt: new Date(), remoteAddress: "127.0.0.1" });
      expect([r.accepted, r.rejectedCount]).toEqual([1, 1]);
      expect(r.rejected[0]?.reason).toMatch(/max_payload/);
      const [dead] = await q.dlq.list({ limit: 10 });
      expect(dead).toMatchObject({ source: "big", raw_truncated: true });
      expect(dead!.raw.length).toBeLessThanOrEqual(4096);
    } finally {
      await q.close();
    }
  });

  it("--workers with the file queue is refused, saying why", async () => {
    const { startWorkerPool } = await import("../../src/intake/index.js");
    await expect(startWorkerPool({ dir: "/nonexistent", adminToken: "x".repeat(32), workers: 2 })).rejects.toThrow(/one ordered spool written by one process/);
  });

  it("waits for a cluster still electing its JetStream leader instead of failing (CI: R3 cluster just started: TIMEOUT)", async () => {
    // one node of three is up: no quorum, so no meta leader, and the JetStream API times out
    const cluster = await startNats(3, [], { up: 1 });
    try {
      const url = `${cluster.url}?stream=FORMING&replicas=3`;
      const opening = openQueue("/nonexistent", url);
      let settled = false;
      void opening.then(() => (settled = true), () => (settled = true));
      await new Promise((r) => setTimeout(r, 3000));
      expect(settled).toBe(false);
      await Promise.all(cluster.nodes.slice(1).map((n) => n.restart()));
      const q = await opening;
      try {
        const token = await q.sources.create({ name: "fw", kind: "producer" });
        expect(token).toBeTruthy();
        const r = await q.ingest("fw", items({ summary: "after the election" }), { receivedAt: new Date(), remoteAddress: "127.0.0.1" });
        expect(r.offsets).toEqual([1]);
      } finally {
        await q.close();
      }
    } finally {
      await cluster.destroy();
    }
  }, 90_000);

  it("refuses credentials in the URL and reads them from a file or the environment", async () => {
    expect(() => parseNatsTarget("nats://user:secret@127.0.0.1:4222")).toThrow(/visible in the process list/);
    expect(parseNatsTarget("nats://10.0.0.1:4222,10.0.0.2?stream=S&replicas=3")).toEqual({ servers: ["10.0.0.1:4222", "10.0.0.2"], stream: "S", replicas: 3 });
    expect(() => parseNatsTarget("nats://h:1?replicas=2")).toThrow(/replicas/);
    expect(() => parseNatsTarget("nats://h:1?stream=a.b")).toThrow(/not allowed/);
    const locked = await startNats(1, ["--auth", "s3cr3t-token-for-tests"]);
    const root = await mkdtemp(join(tmpdir(), "meshroom-nats-auth-"));
    try {
      await expect(openQueue("", `${locked.url}?stream=AUTH`)).rejects.toThrow(/cannot connect to NATS|Authorization/i);
      const q = await openQueue("", `${locked.url}?stream=AUTH`, { env: { MESHROOM_INTAKE_NATS_TOKEN: "s3cr3t-token-for-tests" } });
      await q.close();
      const file = join(root, "nats.json");
      await writeFile(file, JSON.stringify({ token: "s3cr3t-token-for-tests" }), { mode: 0o600 });
      const q2 = await openQueue("", `${locked.url}?stream=AUTH`, { authFile: file });
      await q2.close();
      await writeFile(file, "user=me\n");
      await expect(openQueue("", `${locked.url}?stream=AUTH`, { authFile: file })).rejects.toThrow(/neither a NATS .creds file nor JSON/);
    } finally {
      await locked.destroy();
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
