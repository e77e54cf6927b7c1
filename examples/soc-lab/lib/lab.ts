// The SOC lab's sandbox: one network namespace for every daemon, one run folder per instance.
//
// Every daemon of the lab runs inside the network namespace `meshroom-lab` (override with
// $MESHROOM_LAB_NETNS), so the host's firewall and ports are never touched: the lab's nginx,
// rsyslog and CrowdSec listen on loopback ports of the namespace, and its nftables table lives
// there. The namespace has `lo` up plus the loopback aliases 127.0.0.66 (the "attacker") and
// 127.0.0.67 (a well-behaved visitor): CrowdSec ignores 127.0.0.1 and private addresses.
//
// Run files live in <project>/.meshroom/run/<instance>/ (gitignored): configs, pid files, data
// and logs. Teardown removes all of it but the logs (*.log), kept for post-mortems.
//
// The namespace is shared: each instance that needs it registers in .meshroom/run/.netns/ and
// the last one to leave deletes the namespace.
//
// Hook files use only `meshroom/hooks` and node built-ins (the project has no node_modules).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { HookExec } from "meshroom/hooks";

/** The project this file belongs to (lib/ sits at the project root). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const NETNS = process.env.MESHROOM_LAB_NETNS !== undefined && process.env.MESHROOM_LAB_NETNS !== ""
  ? process.env.MESHROOM_LAB_NETNS
  : "meshroom-lab";
/** Loopback aliases added to the namespace: the attacker and a well-behaved visitor. */
export const LAB_ADDRESSES = ["127.0.0.66", "127.0.0.67"] as const;

const RUN_ROOT = join(PROJECT_ROOT, ".meshroom", "run");
const NETNS_USERS = join(RUN_ROOT, ".netns");

/** <project>/.meshroom/run/<instance>, created on demand. */
export function runDir(instance: string, ...sub: string[]): string {
  return join(RUN_ROOT, instance, ...sub);
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes a file (creating its folder); `mode` 0600 for anything holding a key. */
export function writeText(file: string, text: string, mode = 0o644): void {
  ensureDir(dirname(file));
  writeFileSync(file, text, { mode });
}

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Removes an instance's run folder except its logs. */
export function clearRunDir(instance: string): void {
  const dir = runDir(instance);
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (!entry.endsWith(".log")) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** Serializes work on one key inside this process (hooks of one apply run concurrently). */
export async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, Map<string, Promise<unknown>> | undefined>;
  const locks = (g[Symbol.for("meshroom.soc-lab.locks")] ??= new Map());
  const before = locks.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

// ── the network namespace ────────────────────────────────────────────────────────────────────

export async function netnsExists(exec: HookExec): Promise<boolean> {
  const r = await exec("ip", ["netns", "list"], { reject: false });
  return r.stdout.split("\n").some((l) => l.split(/\s+/)[0] === NETNS);
}

/** `ip netns exec NETNS cmd args…` as a [cmd, args] pair. */
export function inNetns(cmd: string, args: readonly string[]): [string, string[]] {
  return ["ip", ["netns", "exec", NETNS, cmd, ...args]];
}

/** Runs a command inside the namespace. */
export function execInNetns(exec: HookExec, cmd: string, args: readonly string[], opts: Parameters<HookExec>[2] = {}) {
  const [c, a] = inNetns(cmd, args);
  return exec(c, a, opts);
}

/** Creates the namespace (lo up, the loopback aliases) if needed and registers `user` in it. */
export async function ensureNetns(exec: HookExec, user: string): Promise<void> {
  await withLock("netns", async () => {
    writeText(join(NETNS_USERS, user), `${NETNS}\n`);
    if (!(await netnsExists(exec))) {
      const r = await exec("ip", ["netns", "add", NETNS], { reject: false });
      if (r.exitCode !== 0 && !/File exists/.test(r.stderr)) {
        throw new Error(`could not create the network namespace ${NETNS} (needs root): ${r.stderr.trim()}`);
      }
    }
    await exec("ip", ["-n", NETNS, "link", "set", "lo", "up"]);
    for (const addr of LAB_ADDRESSES) {
      const r = await exec("ip", ["-n", NETNS, "addr", "add", `${addr}/8`, "dev", "lo"], { reject: false });
      if (r.exitCode !== 0 && !/File exists|already assigned/.test(r.stderr)) {
        throw new Error(`could not add ${addr} to lo in ${NETNS}: ${r.stderr.trim()}`);
      }
    }
  });
}

/** Unregisters `user`; the last user deletes the namespace (and with it anything left inside). */
export async function releaseNetns(exec: HookExec, user: string): Promise<boolean> {
  return withLock("netns", async () => {
    rmSync(join(NETNS_USERS, user), { force: true });
    const left = existsSync(NETNS_USERS) ? readdirSync(NETNS_USERS) : [];
    if (left.length > 0) return false;
    rmSync(NETNS_USERS, { recursive: true, force: true });
    if (await netnsExists(exec)) {
      const r = await exec("ip", ["netns", "del", NETNS], { reject: false });
      if (r.exitCode !== 0 && !/No such file/.test(r.stderr)) throw new Error(`could not delete the network namespace ${NETNS}: ${r.stderr.trim()}`);
    }
    return true;
  });
}

/** Loopback ports listening inside the namespace, as "tcp:8080" / "udp:5514". */
export async function listeningPorts(exec: HookExec): Promise<Set<string>> {
  const r = await execInNetns(exec, "ss", ["-Hlntu"], { reject: false });
  const out = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const cols = line.trim().split(/\s+/);
    const port = cols[4]?.split(":").pop();
    if (cols[0] && port) out.add(`${cols[0]}:${port}`);
  }
  return out;
}

// ── endpoints: how a consumer side tells the producer side where to send ─────────────────────

export interface Endpoint {
  host: string;
  port: number;
  proto: "udp" | "tcp";
}

function endpointFile(consumer: string, topic: string, producer: string): string {
  return runDir(consumer, "endpoints", `${topic}-${producer}.json`);
}

export function writeEndpoint(consumer: string, topic: string, producer: string, ep: Endpoint): void {
  writeText(endpointFile(consumer, topic, producer), JSON.stringify(ep) + "\n");
}

export function removeEndpoint(consumer: string, topic: string, producer: string): void {
  rmSync(endpointFile(consumer, topic, producer), { force: true });
}

/** The endpoint the consumer side of a plug opened for this producer, or an error saying what to do. */
export function requireEndpoint(consumer: string, topic: string, producer: string): Endpoint {
  const text = readText(endpointFile(consumer, topic, producer));
  if (text === undefined) {
    throw new Error(`${consumer} has no ${topic} input for ${producer} yet (no ${endpointFile(consumer, topic, producer)}): run \`meshroom apply\``);
  }
  const ep = JSON.parse(text) as Endpoint;
  return ep;
}

/** The ports already handed out by a consumer's endpoints (to pick a free one). */
export function usedEndpointPorts(consumer: string, except?: string): Set<number> {
  const dir = runDir(consumer, "endpoints");
  const used = new Set<number>();
  if (!existsSync(dir)) return used;
  for (const f of readdirSync(dir)) {
    if (f === except) continue;
    const text = readText(join(dir, f));
    if (text) used.add((JSON.parse(text) as Endpoint).port);
  }
  return used;
}

/** The port of this producer's endpoint if it has one, else the first free one from `base`. */
export function pickPort(consumer: string, topic: string, producer: string, base: number): number {
  const own = readText(endpointFile(consumer, topic, producer));
  if (own) return (JSON.parse(own) as Endpoint).port;
  const used = usedEndpointPorts(consumer);
  let port = base;
  while (used.has(port)) port++;
  return port;
}

// ── feeds: what the producer side of a pull plug offers its readers ──────────────────────────

/** A file the producer appends records to, one JSON object per line (Suricata's EVE file). */
export interface Feed {
  file: string;
  format: string;
}

function feedFile(producer: string, topic: string): string {
  return runDir(producer, "feeds", `${topic}.json`);
}

export function writeFeed(producer: string, topic: string, feed: Feed): void {
  writeText(feedFile(producer, topic), JSON.stringify(feed) + "\n");
}

/** The feed a producer instance offers for `topic`, or an error saying what to do. */
export function requireFeed(producer: string, topic: string): Feed {
  const text = readText(feedFile(producer, topic));
  if (text === undefined) {
    throw new Error(`${producer} offers no ${topic} feed (no ${feedFile(producer, topic)}): is it running? run \`meshroom apply\``);
  }
  return JSON.parse(text) as Feed;
}

export function intSetting(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isInteger(v) && v > 0 && v < 65536 ? v : fallback;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res, rej) => {
    if (signal?.aborted) return rej(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      rej(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      res();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
