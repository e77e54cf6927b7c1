// A small client of the meshroom intake, shared by the hooks of the three quickstart products.
// In a real catalog this would be the intake vendor's SDK; here it is a project file that hook
// files import relatively. Like every hook file, it uses only node built-ins (no npm packages:
// the project has no node_modules of its own).
//
// Where a running intake is found: `<project>/.meshroom/run/<intake instance>/`, written by the
// intake's setupInstance hook (products/intake/service.ts):
//   ready.json   {"port","pid","host",...} written by `meshroom intake serve --ready-file`
//   intake.pid   the pid of the service (its own process group)
//   intake.log   its stdout and stderr
//   data/        its data directory (queue, dead-letter queue, sources)
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project this file belongs to (lib/ sits at the project root). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface RunPaths {
  dir: string;
  ready: string;
  pid: string;
  log: string;
  data: string;
}

export function runPaths(instance: string): RunPaths {
  const dir = join(PROJECT_ROOT, ".meshroom", "run", instance);
  return { dir, ready: join(dir, "ready.json"), pid: join(dir, "intake.pid"), log: join(dir, "intake.log"), data: join(dir, "data") };
}

export interface IntakeEndpoint {
  instance: string;
  pid: number;
  port: number;
  url: string;
}

/** The running intake of an instance, or undefined when it is not running. */
export function findIntake(instance: string): IntakeEndpoint | undefined {
  const p = runPaths(instance);
  if (!existsSync(p.ready)) return undefined;
  let ready: unknown;
  try {
    ready = JSON.parse(readFileSync(p.ready, "utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(ready) || typeof ready.pid !== "number" || typeof ready.port !== "number") return undefined;
  if (!isOurIntake(ready.pid, p.data)) return undefined;
  const host = typeof ready.host === "string" ? ready.host : "127.0.0.1";
  return { instance, pid: ready.pid, port: ready.port, url: `http://${host.includes(":") ? `[${host}]` : host}:${ready.port}` };
}

/** Like findIntake, with an error that says what to do. */
export function requireIntake(instance: string): IntakeEndpoint {
  const ep = findIntake(instance);
  if (!ep) {
    throw new Error(`the intake of instance ${instance} is not running (no live service in ${runPaths(instance).dir}); run \`meshroom apply\``);
  }
  return ep;
}

/** True when `pid` is alive and (where /proc exists) is the intake serving `dataDir`: a recycled pid is never ours. */
export function isOurIntake(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync("/proc/self/cmdline")) return true;
  try {
    const args = readFileSync(cmdline, "utf8").split("\0");
    return args.includes("serve") && args.includes(dataDir);
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface IntakeReply {
  status: number;
  body: Record<string, unknown>;
}

/** One JSON request to the intake; network failures become errors naming the intake. */
export async function intakeRequest(
  ep: IntakeEndpoint,
  method: string,
  path: string,
  opts: { token: string; body?: unknown; signal?: AbortSignal; timeoutMs?: number },
): Promise<IntakeReply> {
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 10_000), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(ep.url + path, {
      method,
      headers: { authorization: `Bearer ${opts.token}`, ...(opts.body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new Error(`cannot reach the intake of ${ep.instance} at ${ep.url} (${method} ${path}${cause})`);
  }
  const text = await res.text();
  let body: unknown = {};
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    body = { error: text.slice(0, 200) };
  }
  return { status: res.status, body: isRecord(body) ? body : { value: body } };
}

/** The `error` field of an intake reply, for messages. */
export function replyError(r: IntakeReply): string {
  return typeof r.body.error === "string" ? r.body.error : `HTTP ${r.status}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
