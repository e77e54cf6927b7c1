// Attack: a hostile producer floods the intake with bodies of invalid lines while readers page
// through a large spool by source. Before the fix every dead letter was kept in memory (and
// echoed in the reply), and a filtered read loaded every byte between its first and last
// matching events: the process grew by hundreds of MB and could be crashed. Here the intake runs
// as a real process (the built CLI) over a 1 GiB spool with two sources, and this test PRINTS
// its RSS (sampled from /proc/<pid>/status, plus VmHWM), the reply sizes and a normal
// producer's p99 while 100 requests of 1 MiB of invalid lines (4 at a time) and 4 parallel
// filtered readers run. Targets: RSS under 256 MiB, normal p99 under 100 ms.
//
// The 1 GiB spool is written directly on disk in the intake's own format (one envelope per
// line with increasing offsets) before the server starts: posting it would take far longer.
// The normal producer's latency is first measured alone for 5 s (printed as the baseline), so
// a p99 on a busy machine can be judged. MESHROOM_INTAKE_BIN runs another build's
// bin/meshroom.js under the same load (to compare with the code before the fix).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { open, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, call, removeRoot, tempRoot } from "../intake/helpers.js";

const REPO = join(import.meta.dirname, "..", "..");
const BIN = process.env.MESHROOM_INTAKE_BIN ?? join(REPO, "bin", "meshroom.js");
const SPOOL_BYTES = 1024 ** 3;
const RSS_LIMIT_KB = 256 * 1024;

/** Writes ~SPOOL_BYTES of ~1.1 KB envelopes; 1 event in 1000 is of source `a`, the rest of `b`. Returns the event count. */
async function writeSpool(path: string): Promise<number> {
  const fh = await open(path, "w", 0o600);
  const pad = "x".repeat(760);
  let offset = 0;
  let size = 0;
  let parts: string[] = [];
  let partBytes = 0;
  while (size < SPOOL_BYTES) {
    offset++;
    const source = offset % 1000 === 1 ? "a" : "b";
    const line =
      `{"offset":${offset},"hostname":"10.0.0.1","processname":"unknown","processid":null,"summary":"event ${offset}","category":"event",` +
      `"source":"${source}","eventsource":"meshroom-intake","severity":"INFO","tags":[],"details":{"summary":"event ${offset}","payload":"${pad}"},` +
      `"utctimestamp":"2026-01-01T00:00:00.000Z","receivedtimestamp":"2026-01-01T00:00:00.000Z"}\n`;
    parts.push(line);
    partBytes += line.length;
    size += line.length;
    if (partBytes > 4 << 20) {
      await fh.write(parts.join(""));
      parts = [];
      partBytes = 0;
    }
  }
  await fh.write(parts.join(""));
  await fh.close();
  return offset;
}

function startServer(dir: string, tokenFile: string): Promise<{ child: ChildProcess; pid: number; base: string }> {
  const child = spawn(process.execPath, [BIN, "intake", "serve", "--dir", dir, "--port", "0", "--admin-token-file", tokenFile], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`intake did not start in 120 s: ${err}`)), 120_000);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      const ready = JSON.parse(out.slice(0, nl)) as { port: number; pid: number };
      resolve({ child, pid: ready.pid, base: `http://127.0.0.1:${ready.port}` });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`intake exited with ${code}: ${err}`));
    });
  });
}

/** A field of /proc/<pid>/status in kB (0 once the process is gone). */
function procStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return 0;
  }
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;

describe.skipIf(process.platform !== "linux")("intake under a hostile producer (slow, real process)", () => {
  let root: string | undefined;
  let child: ChildProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  afterAll(async () => {
    clearInterval(sampler);
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    if (root) await removeRoot(root);
  });

  it("keeps RSS under 256 MiB, replies small and a normal producer's p99 under 100 ms", { timeout: 420_000 }, async () => {
    root = await tempRoot();
    const dir = join(root, "data");
    await mkdir(dir, { mode: 0o700 });
    const t0 = Date.now();
    const events = await writeSpool(join(dir, "spool.jsonl"));
    const tokenFile = join(root, "admin.token");
    await writeFile(tokenFile, ADMIN + "\n", { mode: 0o600 });
    const built = Date.now();
    const server = await startServer(dir, tokenFile);
    child = server.child;
    const { base, pid } = server;
    const started = Date.now();
    const rssAtStart = procStatusKb(pid, "VmRSS");
    process.stdout.write(`[hostile-load] spool: ${events} events, ${SPOOL_BYTES} bytes written in ${built - t0} ms; server ready in ${started - built} ms, RSS ${mib(rssAtStart)}, VmHWM ${mib(procStatusKb(pid, "VmHWM"))}\n`);

    const token = async (name: string, kind = "producer"): Promise<string> => {
      const r = await call(base, "POST", "/admin/sources", { token: ADMIN, body: { name, kind } });
      expect(r.status).toBe(201);
      return r.body.token as string;
    };
    const evil = await token("evil");
    const normal = await token("normal");
    const reader = await token("reader", "consumer");

    // the normal producer alone first: what this machine gives without any hostile load
    const postNormal = async (i: number, into: number[], statuses: Map<number, number>): Promise<void> => {
      const t = performance.now();
      const r = await call(base, "POST", "/events/normal", { token: normal, body: { summary: `normal ${i}` } });
      into.push(performance.now() - t);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      await new Promise((res) => setTimeout(res, 20));
    };
    const baseline: number[] = [];
    const baselineStatuses = new Map<number, number>();
    for (let i = 0, until = Date.now() + 5000; Date.now() < until; i++) await postNormal(i, baseline, baselineStatuses);
    const baseSorted = [...baseline].sort((x, y) => x - y);

    let peakKb = rssAtStart;
    sampler = setInterval(() => {
      peakKb = Math.max(peakKb, procStatusKb(pid, "VmRSS"));
    }, 50);
    const loadStarted = Date.now();

    // the hostile producer: 100 bodies of 1 MiB of invalid lines, 4 at a time
    const line = "this is not json at all: a hostile producer's line of text, padded to about one hundred and ten bytes .....";
    const hostileBody = (line + "\n").repeat(Math.floor((1 << 20) / (line.length + 1)));
    const hostile: { status: number; bytes: number }[] = [];
    let hostileDone = false;
    const hostileWorker = async (): Promise<void> => {
      while (hostile.length < 100) {
        hostile.push({ status: 0, bytes: 0 });
        const slot = hostile[hostile.length - 1] as { status: number; bytes: number };
        const res = await fetch(`${base}/events/evil`, { method: "POST", headers: { Authorization: `Bearer ${evil}`, "Content-Type": "application/x-ndjson" }, body: hostileBody });
        const text = await res.text();
        slot.status = res.status;
        slot.bytes = Buffer.byteLength(text);
      }
    };
    let hostileMs = 0;
    const hostileRun = Promise.all(Array.from({ length: 4 }, hostileWorker)).finally(() => {
      hostileDone = true;
      hostileMs = Date.now() - loadStarted;
    });

    // 4 parallel filtered readers: two page through the rare source `a`, two through `b`
    // (this test process shares the machine's cores with the server: a reader parses every
    // 16th page in full to check it, and otherwise only takes `next` from the page's end)
    const reads: { bytes: number; checked: boolean; events: number; wrong: number }[] = [];
    const readerWorker = async (source: string): Promise<void> => {
      let after = 0;
      while (!hostileDone) {
        const res = await fetch(`${base}/queue?source=${source}&after=${after}&limit=1000`, { headers: { Authorization: `Bearer ${reader}` } });
        const text = await res.text();
        const bytes = Buffer.byteLength(text);
        if (reads.length % 16 === 0) {
          const page = JSON.parse(text) as { events: { source: string }[]; next: number };
          reads.push({ bytes, checked: true, events: page.events.length, wrong: page.events.filter((e) => e.source !== source).length });
          after = page.events.length === 0 ? 0 : page.next;
        } else {
          const next = Number(/"next":(\d+),"last":\d+\}\s*$/.exec(text)?.[1]);
          reads.push({ bytes, checked: false, events: 0, wrong: 0 });
          after = text.startsWith('{"events":[]') ? 0 : next;
        }
      }
    };
    const readRun = Promise.all(["a", "b", "a", "b"].map(readerWorker));

    // a normal producer: one small event at a time, latency of each
    const latencies: number[] = [];
    const normalStatuses = new Map<number, number>();
    const normalRun = (async () => {
      for (let i = baseline.length; !hostileDone; i++) await postNormal(i, latencies, normalStatuses);
    })();

    await Promise.all([hostileRun, readRun, normalRun]);
    clearInterval(sampler);
    const hwmKb = procStatusKb(pid, "VmHWM");
    const finalKb = procStatusKb(pid, "VmRSS");
    const sorted = [...latencies].sort((x, y) => x - y);
    const p99 = percentile(sorted, 99);
    const hostileStatuses = [...new Set(hostile.map((h) => h.status))];
    const maxHostileReply = Math.max(...hostile.map((h) => h.bytes));
    const maxReadReply = Math.max(...reads.map((r) => r.bytes));
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    process.stdout.write(
      [
        `[hostile-load] ${Math.round((Date.now() - started) / 1000)} s under load (load average ${load})`,
        `[hostile-load] RSS: peak sampled ${mib(peakKb)}, VmHWM ${mib(hwmKb)} (includes the start over the 1 GiB spool), at the end ${mib(finalKb)}; limit ${mib(RSS_LIMIT_KB)}`,
        `[hostile-load] hostile: ${hostile.length} requests of ${hostileBody.length} bytes in ${hostileMs} ms, statuses ${hostileStatuses.join(",")}, reply max ${maxHostileReply} bytes`,
        `[hostile-load] readers: ${reads.length} filtered pages (${reads.filter((r) => r.checked).length} parsed and checked: ${reads.reduce((n, r) => n + r.events, 0)} events), reply max ${maxReadReply} bytes`,
        `[hostile-load] normal producer alone (baseline): ${baseline.length} requests, p50 ${percentile(baseSorted, 50).toFixed(1)} ms, p99 ${percentile(baseSorted, 99).toFixed(1)} ms`,
        `[hostile-load] normal producer under load: ${latencies.length} requests, statuses ${JSON.stringify(Object.fromEntries(normalStatuses))}, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
      ].join("\n") + "\n",
    );

    const counters = await call(base, "GET", "/admin/counters", { token: ADMIN });
    const perSource = counters.body.per_source as Record<string, { dlq: number; accepted: number }>;
    expect(perSource.evil?.dlq).toBe(100 * (hostileBody.length / (line.length + 1)));
    expect(perSource.normal?.accepted).toBe(baseline.length + latencies.length);
    expect(hostileStatuses).toEqual([422]);
    expect(maxHostileReply).toBeLessThan(64 * 1024);
    expect(reads.every((r) => r.wrong === 0)).toBe(true);
    expect(reads.filter((r) => r.checked && r.events > 0).length).toBeGreaterThan(0);
    expect(maxReadReply).toBeLessThan(1.1 * 1024 * 1024);
    expect([...normalStatuses.keys()]).toEqual([202]);
    expect(Math.max(peakKb, hwmKb)).toBeLessThan(RSS_LIMIT_KB);
    expect(p99).toBeLessThan(100);
  });
});
