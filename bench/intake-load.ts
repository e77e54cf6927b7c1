// A bounded loopback load test of the event intake: `concurrency` clients post single events
// until `events` are acknowledged or `maxSeconds` pass; prints events/s and latency
// percentiles, then checks that the spool holds exactly the acknowledged events.
// Run: `node dist/bench/intake-load.js` (after the build), or call runIntakeBench().
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startIntakeServer } from "../src/intake/index.js";

export interface IntakeBenchOptions {
  /** Stop after this many acknowledged events (default 20,000). */
  events?: number;
  /** Concurrent clients (default 32). */
  concurrency?: number;
  /** Hard time bound in seconds (default 10). */
  maxSeconds?: number;
  /** Run the server in this process instead of a child (default: a child when running from the build). */
  inProcess?: boolean;
}

export interface IntakeBenchResult {
  accepted: number;
  requests: number;
  failed: number;
  seconds: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Envelopes found in spool.jsonl after a graceful stop. */
  spooled: number;
  /** Acknowledged events missing from the spool (must be 0). */
  lost: number;
  concurrency: number;
  serverMode: "child" | "in-process";
}

const ADMIN = "bench-admin-token-0123456789abcdef";
const INTAKE_MODULE = new URL("../src/intake/index.js", import.meta.url);

interface Running {
  port: number;
  stop(): Promise<void>;
}

export async function runIntakeBench(opts: IntakeBenchOptions = {}): Promise<IntakeBenchResult> {
  const target = opts.events ?? 20_000;
  const concurrency = opts.concurrency ?? 32;
  const maxMs = (opts.maxSeconds ?? 10) * 1000;
  const inProcess = opts.inProcess ?? !import.meta.url.endsWith(".js");
  const root = await mkdtemp(join(tmpdir(), "meshroom-intake-bench-"));
  const dir = join(root, "data");
  const server = inProcess ? await _inProcess(dir) : await _child(dir);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const created = await _post(agent, server.port, "/admin/sources", ADMIN, JSON.stringify({ name: "bench" }));
    const token = (JSON.parse(created.body) as { token: string }).token;
    const latencies: number[] = [];
    const offsets = new Set<number>();
    let requests = 0;
    let failed = 0;
    let issued = 0;
    const started = performance.now();
    const deadline = started + maxMs;
    const client = async (): Promise<void> => {
      while (issued < target && performance.now() < deadline) {
        const n = ++issued;
        const body = JSON.stringify({ summary: `bench event ${n}`, category: "bench", details_n: n });
        const t0 = performance.now();
        const r = await _post(agent, server.port, "/events/bench", token, body).catch(() => ({ status: 0, body: "" }));
        latencies.push(performance.now() - t0);
        requests++;
        if (r.status === 202) for (const o of (JSON.parse(r.body) as { offsets: number[] }).offsets) offsets.add(o);
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const seconds = (performance.now() - started) / 1000;
    await server.stop();
    const spooledOffsets = new Set(
      (await readFile(join(dir, "spool.jsonl"), "utf8"))
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => (JSON.parse(l) as { offset: number }).offset),
    );
    let lost = 0;
    for (const o of offsets) if (!spooledOffsets.has(o)) lost++;
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number => _round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
    return {
      accepted: offsets.size,
      requests,
      failed,
      seconds: _round(seconds),
      eventsPerSec: Math.round(offsets.size / seconds),
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      maxMs: _round(latencies[latencies.length - 1] ?? 0),
      spooled: spooledOffsets.size,
      lost,
      concurrency,
      serverMode: inProcess ? "in-process" : "child",
    };
  } finally {
    agent.destroy();
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

async function _inProcess(dir: string): Promise<Running> {
  const s = await startIntakeServer({ dir, adminToken: ADMIN });
  let stopped: Promise<void> | undefined;
  return { port: s.port, stop: () => (stopped ??= s.close()) };
}

/** The server in its own process (its own core), started from the built intake module. */
async function _child(dir: string): Promise<Running> {
  const script = `
    const { startIntakeServer } = await import(${JSON.stringify(INTAKE_MODULE.href)});
    const s = await startIntakeServer({ dir: ${JSON.stringify(dir)}, adminToken: ${JSON.stringify(ADMIN)} });
    process.stdout.write(JSON.stringify({ port: s.port }) + "\\n");
    process.once("SIGTERM", () => s.close().then(() => process.exit(0), () => process.exit(1)));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0] ?? "") as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`intake bench server exited with ${code}`)));
  });
  let stopped: Promise<void> | undefined;
  return {
    port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      })),
  };
}

function _post(agent: Agent, port: number, path: string, token: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: "127.0.0.1", port, path, method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function _round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runIntakeBench().then(
    (r) => {
      process.stdout.write(
        `intake load (${r.serverMode} server, concurrency ${r.concurrency}): ${r.accepted} events in ${r.seconds} s = ${r.eventsPerSec} events/s; ` +
          `latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms; failed ${r.failed}; spooled ${r.spooled}, lost ${r.lost}\n`,
      );
      if (r.lost > 0 || r.spooled !== r.accepted) process.exitCode = 1;
    },
    (e: unknown) => {
      process.stderr.write(`intake bench failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
