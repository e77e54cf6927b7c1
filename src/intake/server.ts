// The HTTP service (node:http): listeners, routing, graceful close. When it binds a loopback
// host the admin API shares its port under `/admin/`; otherwise the admin API gets its own
// listener on 127.0.0.1 and the public port answers no admin route.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MeshroomError } from "../errors/index.js";
import { acquireDirLock, writeServerInfo, type DirLock } from "./dir-lock.js";
import { isLoopback, sendError, sendJson } from "./http-util.js";
import { handleAdmin, type AdminContext } from "./routes-admin.js";
import { getQueue, postEvents } from "./routes-events.js";
import type { IntakeQueue } from "./queue.js";
import { openQueue, type QueueOpenOptions } from "./queue-kinds.js";
import { hashToken } from "./tokens.js";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_BODY,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from "./defaults.js";
import { Gate } from "./gate.js";

const CLOSE_GRACE_MS = 10_000;

export interface IntakeServerOptions {
  /** The data directory (created if missing). */
  dir: string;
  /** Where the queue lives: a `scheme://` URL of a registered queue kind (queue-kinds.ts); default the files in `dir`. */
  queue?: string;
  /** Credentials and stream for a networked queue (never on the command line). */
  queueOptions?: QueueOpenOptions;
  /**
   * false: another process (the `--workers` primary) holds the directory's lock and writes
   * server.json; this one only serves. Default true.
   */
  ownsDir?: boolean;
  /** Public port; 0 (default) picks a free one. */
  port?: number;
  /** Public bind address (default 127.0.0.1). */
  host?: string;
  /** Port of the separate admin listener, used only when `host` is not loopback (default 0). */
  adminPort?: number;
  adminToken: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBody?: number;
  /** Recorded in `server.json` so local tools find the admin token. */
  adminTokenFile?: string;
  /** Connection limits (each listener); see `ConnectionLimits`. */
  limits?: Partial<ConnectionLimits>;
}

/** What one client connection may hold; a slow or idle client is cut at these. */
export interface ConnectionLimits {
  /** The request head must be complete within this (ms; default 10 s). */
  headersTimeoutMs: number;
  /** The whole request, body included, within this (ms; default 30 s); else 408 and close. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ms; default 5 s). */
  keepAliveTimeoutMs: number;
  /** Open connections per listener (default 1024); further ones are closed at once. */
  maxConnections: number;
}

export interface IntakeServer {
  host: string;
  port: number;
  adminHost: string;
  adminPort: number;
  dir: string;
  /** Bytes of torn last lines cut off while recovering the spool/DLQ. */
  recoveredBytes: number;
  /** Stops accepting, lets in-flight requests finish (10 s at most), closes the files, releases the dir. */
  close(): Promise<void>;
}

export async function startIntakeServer(opts: IntakeServerOptions): Promise<IntakeServer> {
  const host = opts.host ?? "127.0.0.1";
  const maxBody = opts.maxBody ?? DEFAULT_MAX_BODY;
  if (!Number.isInteger(maxBody) || maxBody < 1) throw new MeshroomError("E_BAD_VALUE", `--max-body must be a positive integer, got ${maxBody}`);
  const limits = connectionLimits(opts.limits);
  const owns = opts.ownsDir ?? true;
  const lock: DirLock = owns ? await acquireDirLock(opts.dir, "intake server") : { release: async () => undefined };
  let store: IntakeQueue;
  try {
    store = await openQueue(opts.dir, opts.queue, opts.queueOptions);
  } catch (e) {
    await lock.release();
    throw e;
  }
  const closing = new AbortController();
  const ctx: AdminContext = { store, maxBody, closing: closing.signal, bigBodies: new Gate(), adminTokenHash: hashToken(opts.adminToken), startedAt: new Date() };
  const tracker = new InFlight();
  const shared = isLoopback(host);
  const servers: Server[] = [];
  try {
    const pub = await listen(makeServer(ctx, tracker, shared ? "both" : "public", limits), opts.port ?? 0, host);
    servers.push(pub.server);
    const adm = shared ? pub : await listen(makeServer(ctx, tracker, "admin", limits), opts.adminPort ?? 0, "127.0.0.1");
    if (!shared) servers.push(adm.server);
    const info = { pid: process.pid, host, port: pub.port, admin_host: shared ? host : "127.0.0.1", admin_port: adm.port, admin_token_file: opts.adminTokenFile };
    if (owns) await writeServerInfo(opts.dir, info);
    let closed: Promise<void> | undefined;
    return {
      host,
      port: pub.port,
      adminHost: info.admin_host,
      adminPort: adm.port,
      dir: opts.dir,
      recoveredBytes: store.recoveredBytes,
      close: () => (closed ??= shutdown(servers, tracker, closing, store, lock)),
    };
  } catch (e) {
    await shutdown(servers, tracker, closing, store, lock);
    throw e;
  }
}

type Role = "public" | "admin" | "both";

function connectionLimits(given: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const limits: ConnectionLimits = {
    headersTimeoutMs: given.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: given.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: given.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: given.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  };
  const flags: Record<keyof ConnectionLimits, string> = {
    headersTimeoutMs: "--headers-timeout",
    requestTimeoutMs: "--request-timeout",
    keepAliveTimeoutMs: "--keep-alive-timeout",
    maxConnections: "--max-connections",
  };
  for (const [k, v] of Object.entries(limits) as [keyof ConnectionLimits, number][]) {
    if (!Number.isInteger(v) || v < 1) throw new MeshroomError("E_BAD_VALUE", `${flags[k]} must be a positive integer, got ${v}`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new MeshroomError("E_BAD_VALUE", `--headers-timeout (${limits.headersTimeoutMs} ms) must not exceed --request-timeout (${limits.requestTimeoutMs} ms)`, {
      detail: "The request head is part of the request: lower --headers-timeout or raise --request-timeout.",
    });
  }
  return limits;
}

function makeServer(ctx: AdminContext, tracker: InFlight, role: Role, limits: ConnectionLimits): Server {
  // Node checks the header/request timeouts every `connectionsCheckingInterval` (30 s by
  // default, so a slow upload was held up to ~60 s): check often enough to cut close to the limit.
  const checkEvery = Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2)));
  const server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    tracker.start();
    handle(req, res, ctx, role)
      .catch((e: unknown) => {
        const status = e instanceof URIError ? 400 : 500;
        if (!res.headersSent) sendError(res, status, status === 400 ? "malformed URL" : `internal error: ${(e as Error).message}`);
        else res.destroy();
      })
      .finally(() => tracker.end());
  });
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: AdminContext, role: Role): Promise<void> {
  if (ctx.closing.aborted) return sendError(res, 503, "the intake is shutting down", {});
  const url = new URL(req.url ?? "/", "http://intake.invalid");
  if (role !== "public" && (url.pathname.startsWith("/admin/") || url.pathname === "/dlq")) {
    // defence in depth: the admin routes answer loopback peers only, whatever the bind address
    if (!isLoopback(req.socket.remoteAddress)) return sendError(res, 403, "the admin API answers loopback clients only");
    await handleAdmin(req, res, url, ctx);
    return;
  }
  if (role === "admin") return sendError(res, 404, `no route ${req.method ?? ""} ${url.pathname}`);
  const ev = /^\/events\/([^/]+)$/.exec(url.pathname);
  if (ev && req.method === "POST") return postEvents(req, res, decodeURIComponent(ev[1] as string), ctx);
  if (url.pathname === "/queue" && req.method === "GET") return getQueue(req, res, url, ctx);
  if (url.pathname === "/health" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
  sendError(res, 404, `no route ${req.method ?? ""} ${url.pathname}`);
}

function listen(server: Server, port: number, host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(new MeshroomError("E_EXEC", `cannot listen on ${host}:${port}: ${e.message}`, { cause: e }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

async function shutdown(servers: Server[], tracker: InFlight, closing: AbortController, store: IntakeQueue, lock: DirLock): Promise<void> {
  closing.abort();
  const stopped = servers.map((s) => new Promise<void>((r) => s.close(() => r())));
  for (const s of servers) s.closeIdleConnections();
  const timer = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), CLOSE_GRACE_MS);
  await tracker.idle();
  for (const s of servers) s.closeIdleConnections();
  await Promise.all(stopped);
  clearTimeout(timer);
  try {
    await store.close();
  } finally {
    await lock.release();
  }
}

/** Counts requests being handled; `idle()` resolves when none is. */
class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];
  start(): void {
    this.n++;
  }
  end(): void {
    this.n--;
    if (this.n === 0) for (const w of this.waiters.splice(0)) w();
  }
  idle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}
