// A bounded loopback load test of the event intake: `concurrency` keep-alive clients post single
// events, first for `warmupSeconds` (not counted: each server process compiles its hot paths and
// sizes its heap, a cost a long-running intake pays once, and which a short run would charge
// twice to a two-process row), then for `seconds` (or until `events` are acknowledged); prints
// events/s and latency percentiles of that window, then counts, after a graceful stop, that every
// acknowledged event (warm-up included) is stored.
// Targets (one row each in `npm run bench`): an anchor (a bare node:http server that reads the
// body, appends one line to a file and answers 202), the file queue in one process, the file
// queue with --workers 2 (refused, with why), JetStream R1 behind 1 and 2 intake processes,
// and JetStream with --workers 2. Clients spread their connections over the target's ports,
// as a load balancer would.
// Run: `node dist/bench/intake-load.js [target…]` (after the build), or call runIntakeBench().
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openQueue, startIntakeServer } from "../src/intake/index.js";
import { LoadConnection } from "./http-load-client.js";
import { natsServerBin, startNats, type NatsTestCluster } from "./nats-server.js";

export type IntakeTarget = "anchor" | "file" | "file-fastify" | "file-workers2" | "nats-r1" | "nats-r1-2intakes" | "nats-r1-workers2";

export const INTAKE_TARGETS: { target: IntakeTarget; label: string }[] = [
  { target: "anchor", label: "anchor (node:http, append a line, 202)" },
  { target: "file", label: "file queue, 1 process" },
  { target: "file-fastify", label: "file queue, 1 process, fastify 5 routing" },
  { target: "file-workers2", label: "file queue, --workers 2" },
  { target: "nats-r1", label: "JetStream R1, 1 intake" },
  { target: "nats-r1-2intakes", label: "JetStream R1, 2 intakes" },
  { target: "nats-r1-workers2", label: "JetStream R1, 1 intake --workers 2" },
];

export interface IntakeBenchOptions {
  /** Stop the measured window after this many posted events (default: no bound but time). */
  events?: number;
  /** Concurrent clients (default 32). */
  concurrency?: number;
  /** Load before the measured window, not counted (default 1.5 s). */
  warmupSeconds?: number;
  /** The measured window (default 4 s). */
  seconds?: number;
  /** Run the server in this process instead of a child (file queue only; default: a child when running from the build). */
  inProcess?: boolean;
  target?: IntakeTarget;
}

export interface IntakeBenchResult {
  target: IntakeTarget;
  /** Acknowledged in the measured window. */
  accepted: number;
  /** Acknowledged during the warm-up (checked for loss too). */
  warmupAccepted: number;
  requests: number;
  failed: number;
  seconds: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Events found in the store after a graceful stop. */
  spooled: number;
  /** Acknowledged events missing from the store (must be 0). */
  lost: number;
  concurrency: number;
  serverMode: "child" | "in-process";
  /** Set when the target cannot run (and why); the numbers are then 0. */
  refused?: string;
}

const ADMIN = "bench-admin-token-0123456789abcdef";
const INTAKE_MODULE = new URL("../src/intake/index.js", import.meta.url);

interface Running {
  ports: number[];
  /** Offsets (or line numbers, for the anchor) of the stored events. */
  stored(): Promise<Set<number>>;
  stop(): Promise<void>;
}

export async function runIntakeBench(opts: IntakeBenchOptions = {}): Promise<IntakeBenchResult> {
  const target = opts.target ?? "file";
  const want = opts.events ?? Number.POSITIVE_INFINITY;
  const concurrency = opts.concurrency ?? 32;
  const warmupMs = (opts.warmupSeconds ?? 1.5) * 1000;
  const windowMs = (opts.seconds ?? 4) * 1000;
  const inProcess = target === "file" && (opts.inProcess ?? !import.meta.url.endsWith(".js"));
  const empty = { target, accepted: 0, warmupAccepted: 0, requests: 0, failed: 0, seconds: 0, eventsPerSec: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, spooled: 0, lost: 0, concurrency, serverMode: "child" as const };
  if (target === "file-workers2") {
    return { ...empty, refused: "the file queue is one ordered spool written by one process (lock, group commit, offset index): --workers needs --queue nats://" };
  }
  if (target.startsWith("nats") && !natsServerBin()) return { ...empty, refused: "nats-server is not installed (apt-get install nats-server)" };
  if (target === "file-fastify" && !(await import("fastify" as string).then(() => true, () => false))) {
    return { ...empty, refused: "fastify is not installed (the evaluation row: npm install --no-save fastify@5)" };
  }
  const root = await mkdtemp(join(tmpdir(), "meshroom-intake-bench-"));
  let nats: NatsTestCluster | undefined;
  const connections: LoadConnection[] = [];
  let server: Running | undefined;
  try {
    if (target.startsWith("nats")) nats = await startNats(1);
    server = await startTarget(target, root, inProcess, nats);
    const ports = server.ports;
    // connections spread over the ports, as a load balancer would
    for (let i = 0; i < concurrency; i++) connections.push(new LoadConnection("127.0.0.1", ports[i % ports.length] as number));
    let token = "anchor";
    if (target !== "anchor") {
      const created = await (connections[0] as LoadConnection).post("/admin/sources", ADMIN, JSON.stringify({ name: "bench" }));
      token = (JSON.parse(created.body) as { token: string }).token;
      await _settle(connections.slice(0, ports.length), token); // every intake knows the source before the clock starts
    }
    const warmupOffsets = new Set<number>();
    let issued = 0;
    const post = async (connection: LoadConnection, into: Set<number>): Promise<boolean> => {
      const n = ++issued;
      const r = await connection.post("/events/bench", token, JSON.stringify({ summary: `bench event ${n}`, category: "bench", details_n: n })).catch(() => ({ status: 0, body: "" }));
      if (r.status !== 202) return false;
      for (const o of (JSON.parse(r.body) as { offsets: number[] }).offsets) into.add(o);
      return true;
    };
    const warmupEnds = performance.now() + warmupMs;
    await Promise.all(connections.map(async (c) => {
      while (performance.now() < warmupEnds) await post(c, warmupOffsets);
    }));
    const latencies: number[] = [];
    const offsets = new Set<number>();
    let requests = 0;
    let failed = 0;
    let counted = 0;
    const started = performance.now();
    const deadline = started + windowMs;
    const client = async (connection: LoadConnection): Promise<void> => {
      while (counted < want && performance.now() < deadline) {
        counted++;
        const t0 = performance.now();
        const ok = await post(connection, offsets);
        latencies.push(performance.now() - t0);
        requests++;
        if (!ok) failed++;
      }
    };
    await Promise.all(connections.map(client));
    const seconds = (performance.now() - started) / 1000;
    for (const c of connections) c.close();
    await server.stop();
    const stored = await server.stored();
    let lost = 0;
    for (const o of [...warmupOffsets, ...offsets]) if (!stored.has(o)) lost++;
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number => _round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
    return {
      target,
      accepted: offsets.size,
      warmupAccepted: warmupOffsets.size,
      requests,
      failed,
      seconds: _round(seconds),
      eventsPerSec: Math.round(offsets.size / seconds),
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      maxMs: _round(latencies[latencies.length - 1] ?? 0),
      spooled: stored.size,
      lost,
      concurrency,
      serverMode: inProcess ? "in-process" : "child",
    };
  } finally {
    for (const c of connections) c.close();
    await server?.stop().catch(() => undefined);
    await nats?.destroy();
    await rm(root, { recursive: true, force: true });
  }
}

async function startTarget(target: IntakeTarget, root: string, inProcess: boolean, nats: NatsTestCluster | undefined): Promise<Running> {
  if (target === "anchor") return _anchor(root);
  if (target === "file") {
    const dir = join(root, "data");
    const s = inProcess ? await _inProcess(dir) : await _child(`{ dir: ${JSON.stringify(dir)} }`);
    return { ...s, stored: () => _spoolOffsets(dir) };
  }
  if (target === "file-fastify") {
    const dir = join(root, "data");
    return { ...(await _fastify(dir)), stored: () => _spoolOffsets(dir) };
  }
  const queue = `${(nats as NatsTestCluster).url}?stream=BENCH`;
  const stored = async (): Promise<Set<number>> => {
    const q = await openQueue("", queue);
    try {
      const out = new Set<number>();
      for (let after = 0; ; ) {
        const page = await q.spool.read({ after, limit: 1000 });
        for (const e of page.events) out.add(e.offset);
        if (page.events.length === 0) return out;
        after = page.next;
      }
    } finally {
      await q.close();
    }
  };
  if (target === "nats-r1") return { ...(await _child(`{ dir: ${JSON.stringify(join(root, "a"))}, queue: ${JSON.stringify(queue)} }`)), stored };
  if (target === "nats-r1-workers2") {
    const s = await _child(`{ dir: ${JSON.stringify(join(root, "a"))}, queue: ${JSON.stringify(queue)}, workers: 2 }`, "startWorkerPool");
    return { ...s, stored };
  }
  // two intake processes, each its own directory, one stream
  const [a, b] = await Promise.all(["a", "b"].map((d) => _child(`{ dir: ${JSON.stringify(join(root, d))}, queue: ${JSON.stringify(queue)} }`)));
  return { ports: [...a!.ports, ...b!.ports], stored, stop: async () => void (await Promise.all([a!.stop(), b!.stop()])) };
}

/** Waits until a post to each port is accepted (a source created through one intake reaches the others through the KV watch). */
async function _settle(onePerPort: LoadConnection[], token: string): Promise<void> {
  for (const [i, connection] of onePerPort.entries()) {
    for (let tries = 0; ; tries++) {
      const r = await connection.post("/events/bench", token, JSON.stringify({ summary: "warm-up" }));
      if (r.status === 202) break;
      if (tries > 100) throw new Error(`intake #${i + 1} does not accept the bench source: ${r.status} ${r.body}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

async function _spoolOffsets(dir: string): Promise<Set<number>> {
  return new Set(
    (await readFile(join(dir, "spool.jsonl"), "utf8"))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => (JSON.parse(l) as { offset: number }).offset),
  );
}

async function _inProcess(dir: string): Promise<Omit<Running, "stored">> {
  const s = await startIntakeServer({ dir, adminToken: ADMIN });
  let stopped: Promise<void> | undefined;
  return { ports: [s.port], stop: () => (stopped ??= s.close()) };
}

/** The server in its own process (its own core), started from the built intake module. */
function _child(options: string, start = "startIntakeServer"): Promise<Omit<Running, "stored">> {
  const script = `
    const m = await import(${JSON.stringify(INTAKE_MODULE.href)});
    const s = await m.${start}({ ...${options}, adminToken: ${JSON.stringify(ADMIN)} });
    process.stdout.write(JSON.stringify({ port: s.port }) + "\\n");
    process.once("SIGTERM", () => s.close().then(() => process.exit(0), () => process.exit(1)));`;
  return _spawnReady(spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] }));
}

/**
 * The fastify 5 evaluation: the intake's own POST /events handler (same store, same body reader)
 * behind fastify's router and request lifecycle instead of node:http's request callback. What
 * moving the HTTP layer to fastify would cost at least (its body parsing and schemas would add to it).
 */
function _fastify(dir: string): Promise<Omit<Running, "stored">> {
  const mod = (f: string): string => JSON.stringify(new URL(`../src/intake/${f}`, import.meta.url).href);
  const script = `
    const { default: Fastify } = await import("fastify");
    const { openQueue } = await import(${mod("index.js")});
    const { postEvents } = await import(${mod("routes-events.js")});
    const { Gate } = await import(${mod("gate.js")});
    const store = await openQueue(${JSON.stringify(dir)});
    const ctx = { store, maxBody: 1048576, closing: new AbortController().signal, bigBodies: new Gate() };
    const app = Fastify({ logger: false, bodyLimit: 1048576 });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (req, payload, done) => done(null, undefined)); // the handler reads the body itself
    app.post("/events/:source", (request, reply) => { reply.hijack(); return postEvents(request.raw, reply.raw, request.params.source, ctx); });
    app.post("/admin/sources", async (request, reply) => {
      if (request.headers.authorization !== "Bearer ${ADMIN}") return reply.code(403).send({});
      return reply.code(201).send({ token: await store.sources.create({ name: "bench", kind: "producer" }) });
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    process.stdout.write(JSON.stringify({ port: app.server.address().port }) + "\\n");
    process.once("SIGTERM", () => app.close().then(() => store.close()).then(() => process.exit(0)));`;
  return _spawnReady(spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"], cwd: new URL("..", import.meta.url).pathname }));
}

/** The anchor: a bare node:http server that reads the body, appends one line to a file and answers 202. */
function _anchor(root: string): Promise<Running> {
  const file = join(root, "anchor.jsonl");
  const script = `
    import { createServer } from "node:http";
    import { open } from "node:fs/promises";
    const fh = await open(${JSON.stringify(file)}, "a");
    let n = 0;
    const s = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        const at = ++n;
        await fh.write(JSON.stringify({ n: at, body: Buffer.concat(chunks).toString("utf8") }) + "\\n");
        res.writeHead(202, { "Content-Type": "application/json" }).end(JSON.stringify({ accepted: 1, offsets: [at] }));
      });
    }).listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: s.address().port }) + "\\n"));
    process.once("SIGTERM", () => s.close(() => fh.close().then(() => process.exit(0))));`;
  return _spawnReady(spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] })).then((r) => ({
    ...r,
    stored: async () => new Set((await readFile(file, "utf8")).split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { n: number }).n)),
  }));
}

async function _spawnReady(child: ChildProcess): Promise<Omit<Running, "stored">> {
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0] ?? "") as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`intake bench server exited with ${code}`)));
  });
  let stopped: Promise<void> | undefined;
  return {
    ports: [port],
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      })),
  };
}

function _round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** One table line per result. */
export function formatIntakeRow(label: string, r: IntakeBenchResult): string {
  if (r.refused) return `${label.padEnd(40)} refused: ${r.refused}`;
  return (
    `${label.padEnd(40)} ${String(r.eventsPerSec).padStart(6)} ev/s  p50 ${String(r.p50Ms).padStart(6)} ms  p99 ${String(r.p99Ms).padStart(6)} ms  ` +
    `acked ${r.accepted} (+${r.warmupAccepted} warm-up), failed ${r.failed}, stored ${r.spooled}, lost ${r.lost}`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const asked = process.argv.slice(2) as IntakeTarget[];
  const rows = asked.length > 0 ? INTAKE_TARGETS.filter((t) => asked.includes(t.target)) : INTAKE_TARGETS;
  (async () => {
    for (const { target, label } of rows) {
      const r = await runIntakeBench({ target });
      process.stdout.write(formatIntakeRow(label, r) + "\n");
      if (r.lost > 0) process.exitCode = 1;
    }
  })().catch((e: unknown) => {
    process.stderr.write(`intake bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
