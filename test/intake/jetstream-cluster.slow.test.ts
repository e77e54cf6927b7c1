// The intake on NATS JetStream as real processes (the built CLI) against real nats-server
// processes on loopback: a 3-node cluster with an R3 stream losing a node to kill -9 while two
// intakes take 5,000 events each; an intake killed with kill -9 mid-stream; --workers 2.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { openQueue } from "../../src/intake/index.js";
import { natsAvailable, startNats, type NatsTestCluster } from "../../bench/nats-server.js";
import { ADMIN } from "./helpers.js";

const CLI = join(import.meta.dirname, "..", "..", "bin", "meshroom.js");
const run = process.env.MESHROOM_SLOW === "1" && natsAvailable();

interface Intake {
  child: ChildProcess;
  port: number;
  base: string;
  log: () => string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "meshroom-js-slow-"));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function startIntake(queue: string, root: string, name: string, extra: string[] = []): Promise<Intake> {
  const tokenFile = join(root, "admin.token");
  await writeFile(tokenFile, ADMIN + "\n", { mode: 0o600 });
  const child = spawn(process.execPath, [CLI, "intake", "serve", "--queue", queue, "--dir", join(root, name), "--admin-token-file", tokenFile, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await gone;
    clearTimeout(t);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`intake did not start: ${err}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      resolve((JSON.parse(out.split("\n")[0] as string) as { port: number }).port);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`intake exited with ${code}: ${err}`));
    });
  });
  return { child, port, base: `http://127.0.0.1:${port}`, log: () => err };
}

async function json(base: string, path: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(base + path, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Posts one event under its own Idempotency-Key, retrying (same key) until accepted: resolves with its offset and the retries it took. */
async function postOnce(base: string, token: string, n: number, tag: string): Promise<{ offset: number; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      const r = await json(base, "/events/fw", token, { method: "POST", body: { summary: `${tag} ${n}`, n, tag }, headers: { "Idempotency-Key": `${tag}-${n}` } });
      if (r.status === 202) return { offset: (r.body.offsets as number[])[0] as number, retries };
    } catch {
      // connection cut or timeout: retried with the same key
    }
    if (retries >= 60) throw new Error(`event ${tag} ${n} not accepted after ${retries} retries`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function postMany(base: string, token: string, tag: string, count: number, concurrency: number, onAck: (n: number) => void): Promise<{ offsets: Map<number, number>; retries: number }> {
  const offsets = new Map<number, number>();
  let next = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const r = await postOnce(base, token, n, tag);
        offsets.set(n, r.offset);
        retries += r.retries;
        onAck(offsets.size);
      }
    }),
  );
  return { offsets, retries };
}

/** Every event of the queue, read through GET /queue a page at a time. */
async function readAll(base: string, token: string): Promise<{ offset: number; tag: string; n: number }[]> {
  const out: { offset: number; tag: string; n: number }[] = [];
  for (let after = 0; ; ) {
    const r = await json(base, `/queue?after=${after}&limit=1000`, token);
    expect(r.status).toBe(200);
    const events = r.body.events as { offset: number; details: { tag: string; n: number } }[];
    for (const e of events) out.push({ offset: e.offset, tag: e.details.tag, n: e.details.n });
    if (events.length === 0) return out;
    after = r.body.next as number;
  }
}

async function createSources(base: string): Promise<{ producer: string; consumer: string }> {
  const p = await json(base, "/admin/sources", ADMIN, { method: "POST", body: { name: "fw" } });
  const c = await json(base, "/admin/sources", ADMIN, { method: "POST", body: { name: "siem", kind: "consumer" } });
  expect([p.status, c.status]).toEqual([201, 201]);
  return { producer: p.body.token as string, consumer: c.body.token as string };
}

async function waitAccepted(base: string, token: string): Promise<void> {
  await expect
    .poll(async () => (await json(base, "/events/fw", token, { method: "POST", body: { summary: "warm-up", tag: "warm", n: 0 } })).status, { timeout: 15_000 })
    .toBe(202);
}

describe.skipIf(!run)("intake on a JetStream cluster (real processes)", () => {
  it(
    "keeps every acknowledged event once while a node of the R3 cluster is killed with kill -9, and the node rejoins",
    async () => {
      const nats: NatsTestCluster = await startNats(3);
      cleanups.push(() => nats.destroy());
      const root = await tempDir();
      const queue = `${nats.url}?stream=R3TEST&replicas=3`;
      const a = await startIntake(queue, root, "a");
      const b = await startIntake(queue, root, "b");
      const { producer, consumer } = await createSources(a.base);
      await waitAccepted(a.base, producer);
      await waitAccepted(b.base, producer); // b knows the source through the KV watch

      // the stream's leader is the node to kill: the hardest moment for a write
      const nc = await connect({ servers: nats.nodes.map((n) => `127.0.0.1:${n.port}`) });
      const leaderName = async (): Promise<string | undefined> => (await (await nc.jetstreamManager()).streams.info("R3TEST")).cluster?.leader;
      const leader = await leaderName();
      const victim = nats.nodes.find((n) => n.name === leader) ?? (nats.nodes[0] as (typeof nats.nodes)[number]);
      let killed = false;
      const onAck = (): void => {
        if (!killed && totalAcked() >= 2000) {
          killed = true;
          victim.kill9();
        }
      };
      const acks = { a: 0, b: 0 };
      const totalAcked = (): number => acks.a + acks.b;
      const [ra, rb] = await Promise.all([
        postMany(a.base, producer, "a", 5000, 8, (k) => ((acks.a = k), onAck())),
        postMany(b.base, producer, "b", 5000, 8, (k) => ((acks.b = k), onAck())),
      ]);
      expect(killed).toBe(true);
      expect(ra.offsets.size + rb.offsets.size).toBe(10_000);

      // every acknowledged event is read back once, at the offset it was acknowledged with
      const events = (await readAll(b.base, consumer)).filter((e) => e.tag !== "warm");
      const byKey = new Map<string, number[]>();
      for (const e of events) byKey.set(`${e.tag}-${e.n}`, [...(byKey.get(`${e.tag}-${e.n}`) ?? []), e.offset]);
      for (const [tag, r] of [["a", ra], ["b", rb]] as const) {
        for (const [n, offset] of r.offsets) expect(byKey.get(`${tag}-${n}`)).toEqual([offset]);
      }
      expect(events).toHaveLength(10_000);
      for (let i = 1; i < events.length; i++) expect(events[i]!.offset).toBeGreaterThan(events[i - 1]!.offset);
      console.log(`R3 cluster, node ${victim.name} (leader ${leader}) killed at 2,000 acks: 10,000 events acknowledged, ${ra.retries + rb.retries} retries`);

      // the node rejoins after a restart and catches up
      await victim.restart();
      await expect
        .poll(
          async () => {
            const info = await (await nc.jetstreamManager()).streams.info("R3TEST").catch(() => undefined);
            const peers = [info?.cluster?.leader, ...(info?.cluster?.replicas ?? []).filter((r) => r.current && !r.offline).map((r) => r.name)];
            return peers.includes(victim.name);
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe(true);
      await nc.close();
      // and the intakes still accept
      expect((await json(a.base, "/events/fw", producer, { method: "POST", body: { summary: "after", tag: "warm", n: 1 } })).status).toBe(202);
    },
    600_000,
  );

  it(
    "kill -9 of an intake mid-stream: every acknowledged event is in the stream",
    async () => {
      const nats = await startNats(1);
      cleanups.push(() => nats.destroy());
      const root = await tempDir();
      const queue = `${nats.url}?stream=KILLTEST`;
      const a = await startIntake(queue, root, "a");
      const { producer } = await createSources(a.base);
      const acked = new Set<number>();
      let stop = false;
      const poster = async (w: number): Promise<void> => {
        for (let n = 0; !stop; n++) {
          try {
            const r = await json(a.base, "/events/fw", producer, { method: "POST", body: { summary: `k ${w}-${n}`, tag: "k", n } });
            if (r.status === 202) for (const o of r.body.offsets as number[]) acked.add(o);
          } catch {
            return; // the intake is gone
          }
        }
      };
      const posting = Promise.all(Array.from({ length: 16 }, (_, w) => poster(w)));
      await expect.poll(() => acked.size, { timeout: 120_000, interval: 20 }).toBeGreaterThanOrEqual(1000);
      a.child.kill("SIGKILL");
      await posting;
      stop = true;
      const q = await openQueue("", queue);
      try {
        const stored = new Set<number>();
        for (let after = 0; ; ) {
          const page = await q.spool.read({ after, limit: 1000 });
          for (const e of page.events) stored.add(e.offset);
          if (page.events.length === 0) break;
          after = page.next;
        }
        const missing = [...acked].filter((o) => !stored.has(o));
        expect(missing).toEqual([]);
        expect(stored.size).toBeGreaterThanOrEqual(acked.size);
      } finally {
        await q.close();
      }
    },
    300_000,
  );

  it(
    "--workers 2 serves one port from two processes sharing the stream, replaces a worker killed with kill -9, and stops them all on SIGTERM",
    async () => {
      const nats = await startNats(1);
      cleanups.push(() => nats.destroy());
      const root = await tempDir();
      const w = await startIntake(`${nats.url}?stream=WORKERS`, root, "w", ["--workers", "2"]);
      const { producer, consumer } = await createSources(w.base);
      const pids = new Set<number>();
      await expect
        .poll(
          async () => {
            // a fresh connection each time: the primary hands connections to the workers in turn
            const r = await fetch(`${w.base}/admin/health`, { headers: { Authorization: `Bearer ${ADMIN}`, Connection: "close" } });
            pids.add(((await r.json()) as { pid: number }).pid);
            return pids.size;
          },
          { timeout: 30_000, interval: 50 },
        )
        .toBe(2);
      const first = await postMany(w.base, producer, "w", 200, 8, () => undefined);
      expect(first.offsets.size).toBe(200);
      const victim = [...pids][0] as number;
      process.kill(victim, "SIGKILL");
      const second = await postMany(w.base, producer, "x", 200, 8, () => undefined);
      const events = (await readAll(w.base, consumer)).filter((e) => e.tag !== "warm");
      expect(events).toHaveLength(400);
      await expect.poll(() => w.log(), { timeout: 30_000 }).toMatch(/worker \d+ exited .*starting another/);
      expect(second.offsets.size).toBe(200);
      const gone = new Promise((r) => w.child.once("exit", r));
      w.child.kill("SIGTERM");
      await gone;
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    },
    300_000,
  );
});
