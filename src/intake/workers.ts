// `--workers N`: N intake server processes (node:cluster) on one port, so one host uses all its
// cores. The primary holds the data directory (lock, server.json), picks the ports, starts the
// workers, restarts one that dies, and stops them all on close. Each worker opens its own
// connection to the queue, so the queue must be one that many processes share (JetStream); the
// file queue is refused: its spool is one ordered file that one process writes (its lock, its
// group commit and its offset index live in that process).
import cluster, { type Worker } from "node:cluster";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MeshroomError } from "../errors/index.js";
import { PACKAGE_ROOT } from "../util/version.js";
import { acquireDirLock, writeServerInfo } from "./dir-lock.js";
import { isLoopback } from "./http-util.js";
import type { IntakeServer, IntakeServerOptions } from "./server.js";

export interface WorkerPoolOptions extends IntakeServerOptions {
  workers: number;
  /** Called when a worker died and was started again (logs). */
  onRestart?: (pid: number | undefined, code: number | null, signal: string | null) => void;
}

export interface WorkerPool extends IntakeServer {
  /** The workers' pids now. */
  pids(): number[];
}

/** What the primary sends a worker (over the IPC channel: the admin token is never in argv or env). */
export interface WorkerStart {
  type: "start";
  options: IntakeServerOptions;
}

/**
 * The workers' entry: next to this module in the tsc output; from the bundled CLI (dist/cli/),
 * the tsc output's copy in the package.
 */
const WORKER_MAIN = ((): string => {
  const sibling = fileURLToPath(new URL("./worker-main.js", import.meta.url));
  return existsSync(sibling) ? sibling : join(PACKAGE_ROOT, "dist", "src", "intake", "worker-main.js");
})();
const START_TIMEOUT_MS = 60_000;

export async function startWorkerPool(opts: WorkerPoolOptions): Promise<WorkerPool> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new MeshroomError("E_BAD_VALUE", `--workers must be a positive integer, got ${opts.workers}`);
  if (opts.queue === undefined || /^file:/i.test(opts.queue)) {
    throw new MeshroomError("E_USAGE", "--workers needs a queue that several processes share: the file queue is one ordered spool written by one process", {
      detail: "Run one process on the data directory, or put the queue in NATS JetStream: --queue nats://HOST:PORT --workers N.",
    });
  }
  if (!cluster.isPrimary) throw new MeshroomError("E_INTERNAL", "a worker cannot start workers");
  const host = opts.host ?? "127.0.0.1";
  const shared = isLoopback(host);
  // one port for all: a worker listening on port 0 would get a port of its own
  const port = opts.port || (await freePort(host));
  const adminPort = shared ? port : opts.adminPort || (await freePort("127.0.0.1"));
  const lock = await acquireDirLock(opts.dir, "intake server (workers)");
  // the workers read credentials from their own environment (inherited), not from a copy sent over IPC
  const options: IntakeServerOptions = { ...opts, host, port, adminPort, ownsDir: false, queueOptions: { ...opts.queueOptions, env: undefined } };
  delete (options as Partial<WorkerPoolOptions>).workers;
  delete (options as Partial<WorkerPoolOptions>).onRestart;
  let closing = false;
  const workers = new Set<Worker>();
  // node's own flags pass on to the workers, but not a script given with -e/-p (it would run instead of WORKER_MAIN)
  cluster.setupPrimary({ exec: WORKER_MAIN, args: [], silent: false, execArgv: nodeFlags(process.execArgv) });

  const spawnOne = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork();
      workers.add(w);
      const timer = setTimeout(() => reject(new MeshroomError("E_EXEC", `an intake worker did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      w.on("message", (m: { type?: string; error?: string }) => {
        // the worker says hello once it listens for its options (a message sent before would be lost)
        if (m.type === "hello") w.send({ type: "start", options } satisfies WorkerStart);
        else if (m.type === "ready") {
          clearTimeout(timer);
          resolve(w);
        } else if (m.type === "failed") {
          clearTimeout(timer);
          reject(new MeshroomError("E_EXEC", `an intake worker could not start: ${m.error ?? "no reason given"}`));
        }
      });
      w.once("exit", (code, signal) => {
        clearTimeout(timer);
        workers.delete(w);
        if (closing) return;
        reject(new MeshroomError("E_EXEC", `an intake worker exited while starting (code ${code}, signal ${signal})`));
        opts.onRestart?.(w.process.pid, code, signal);
        // a worker that died serving is replaced; the others kept serving meanwhile
        setTimeout(() => void spawnOne().catch(() => undefined), 200).unref();
      });
    });

  const stopAll = async (): Promise<void> => {
    closing = true;
    await Promise.all(
      [...workers].map(
        (w) =>
          new Promise<void>((r) => {
            if (w.isDead()) return r();
            w.once("exit", () => r());
            w.send({ type: "stop" });
            setTimeout(() => w.process.kill("SIGKILL"), 15_000).unref();
          }),
      ),
    );
    await lock.release();
  };

  try {
    await Promise.all(Array.from({ length: opts.workers }, () => spawnOne()));
    await writeServerInfo(opts.dir, { pid: process.pid, host, port, admin_host: shared ? host : "127.0.0.1", admin_port: adminPort, admin_token_file: opts.adminTokenFile });
  } catch (e) {
    await stopAll();
    throw e;
  }
  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    adminHost: shared ? host : "127.0.0.1",
    adminPort,
    dir: opts.dir,
    recoveredBytes: 0,
    pids: () => [...workers].map((w) => w.process.pid).filter((p): p is number => p !== undefined),
    close: () => (closed ??= stopAll()),
  };
}

function nodeFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "-e" || a === "--eval" || a === "-p" || a === "--print") i++;
    else if (!/^(--eval=|--print=|--input-type)/.test(a)) out.push(a);
    if (a === "--input-type") i++;
  }
  return out;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (e) => reject(new MeshroomError("E_EXEC", `cannot listen on ${host}: ${e.message}`)));
    srv.listen(0, host, () => {
      const addr = srv.address();
      const p = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
}
