// Instance hooks of the intake: `meshroom apply` starts `meshroom intake serve` as a managed
// background process, `meshroom destroy` stops it, `meshroom plan` checks it still runs.
//
// Everything the process needs lives in <project>/.meshroom/run/<instance>/ (gitignored):
// intake.pid, intake.log, ready.json and data/. The admin token is generated once, kept in
// secrets.gpg as the instance secret `admin_token`, and handed to the service through its
// environment (never written to disk in clear). The service is started with the hook context's
// `startDaemon`: its environment is the token plus PATH, HOME, the locale, TZ and TMPDIR, never
// meshroom's own (MESHROOM_PASSPHRASE, the state backend's connection string), which a
// long-running process would otherwise keep in /proc/<pid>/environ.
//
// Which meshroom runs the service: $MESHROOM_CLI (a path to the CLI script, e.g.
// /path/to/meshroom/bin/meshroom.js) when set, else the script of the meshroom process that
// runs this hook (process.argv[1]), started with the same node (process.execPath).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { readInstance, setupInstance, teardownInstance } from "meshroom/hooks";
import { findIntake, intakeRequest, isAlive, isOurIntake, runPaths, type RunPaths } from "../../lib/intake-client.js";

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

setupInstance(async ({ instance, log, signal, startDaemon }) => {
  const paths = runPaths(instance.name);
  let adminToken = await instance.getSecret("admin_token");
  if (adminToken === undefined || adminToken === "") {
    adminToken = randomBytes(32).toString("hex");
    await instance.setSecret("admin_token", adminToken);
  }
  // A service left over by an interrupted apply is replaced, not adopted: its token may be stale.
  const stale = readPid(paths.pid);
  if (stale !== undefined && isOurIntake(stale, paths.data)) {
    log.warn(`stopping a leftover intake (pid ${stale})`);
    await stop(stale);
  }
  rmSync(paths.ready, { force: true });
  rmSync(paths.pid, { force: true });
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });

  const port = intSetting(instance.settings.port, 0);
  const maxBody = intSetting(instance.settings.max_body, 1024 * 1024);
  const cli = meshroomCli();
  const queue = typeof instance.settings.queue === "string" ? instance.settings.queue.trim() : "";
  const args = [cli, "intake", "serve", "--dir", paths.data, "--port", String(port), "--max-body", String(maxBody), "--ready-file", paths.ready];
  // a shared queue (NATS JetStream): the events outlive this instance's data directory
  if (queue !== "") args.push("--queue", queue);
  const { pid } = await startDaemon(process.execPath, args, {
    cwd: paths.dir, logFile: paths.log, pidFile: paths.pid, env: { MESHROOM_INTAKE_ADMIN_TOKEN: adminToken, ...natsCredentials(queue) },
  });
  log.info(`started the intake (pid ${pid}), log in ${paths.log}`);
  try {
    const ep = await waitReady(instance.name, pid, paths, signal);
    const health = await intakeRequest(ep, "GET", "/admin/health", { token: adminToken, signal });
    if (health.status !== 200) throw new Error(`the intake answered ${health.status} to /admin/health: the admin token was not accepted`);
    return { outputs: { pid, port: ep.port, url: ep.url } };
  } catch (e) {
    await stop(pid);
    rmSync(paths.pid, { force: true });
    throw e;
  }
}, { title: "Start the intake service", timeout: 30 });

teardownInstance(async ({ instance, outputs, log }) => {
  const paths = runPaths(instance.name);
  const pid = readPid(paths.pid) ?? (typeof outputs.pid === "number" ? outputs.pid : undefined);
  if (pid !== undefined && isOurIntake(pid, paths.data)) {
    await stop(pid);
    log.info(`stopped the intake (pid ${pid})`);
  } else {
    log.info("the intake was not running");
  }
  // The queue, the DLQ and the sources go with the instance; the log stays for post-mortems.
  rmSync(paths.data, { recursive: true, force: true });
  rmSync(paths.ready, { force: true });
  rmSync(paths.pid, { force: true });
}, { title: "Stop the intake service", timeout: 30 });

readInstance(async ({ instance, signal }) => {
  const ep = findIntake(instance.name);
  if (!ep) return { exists: false };
  try {
    const res = await fetch(`${ep.url}/health`, { signal: AbortSignal.any([signal, AbortSignal.timeout(3000)]) });
    if (!res.ok) return { exists: false };
  } catch {
    return { exists: false };
  }
  return { exists: true, outputs: { pid: ep.pid, port: ep.port, url: ep.url } };
}, { title: "Check the intake service runs" });

function meshroomCli(): string {
  const fromEnv = process.env.MESHROOM_CLI;
  const cli = fromEnv !== undefined && fromEnv !== "" ? fromEnv : process.argv[1];
  if (cli === undefined || !existsSync(cli)) {
    throw new Error(`cannot find the meshroom CLI to start the intake with (tried ${cli ?? "process.argv[1]"}); set MESHROOM_CLI to bin/meshroom.js`);
  }
  return resolve(cli);
}

/** Waits until the service wrote its ready file; fails early (with the log's tail) if it exits. */
async function waitReady(instance: string, pid: number, paths: RunPaths, signal: AbortSignal) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const ep = findIntake(instance);
    if (ep && ep.pid === pid) return ep;
    if (!isAlive(pid)) throw new Error(`the intake exited before it was ready:\n${logTail(paths.log)}`);
    await sleep(25);
  }
  throw new Error(`the intake was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${logTail(paths.log)}`);
}

/** SIGTERM to the process group, wait; SIGKILL if it does not stop in time. */
async function stop(pid: number): Promise<void> {
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signalGroup("SIGTERM");
  if (await exited(pid, STOP_TIMEOUT_MS)) return;
  signalGroup("SIGKILL");
  if (!(await exited(pid, 2000))) throw new Error(`the intake (pid ${pid}) did not stop, even after SIGKILL`);
}

async function exited(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(25);
  }
  return !isAlive(pid);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The NATS credentials meshroom was given ($MESHROOM_INTAKE_NATS_*), handed on only when the queue is in NATS. */
function natsCredentials(queue: string): Record<string, string> {
  if (!queue.startsWith("nats://")) return {};
  const names = ["MESHROOM_INTAKE_NATS_AUTH_FILE", "MESHROOM_INTAKE_NATS_TOKEN", "MESHROOM_INTAKE_NATS_USER", "MESHROOM_INTAKE_NATS_PASSWORD"];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n] as string]] : [])));
}

function intSetting(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : fallback;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
