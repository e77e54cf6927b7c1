// Small node:http helpers: bounded body reading, JSON replies, query parsing.
import type { IncomingMessage, ServerResponse } from "node:http";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="meshroom-intake"' };

export type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; error: string };

/** How long (and how much) a refused oversized upload is drained, so the client can read the 413. */
const DRAIN_MS = 2000;
const DRAIN_BYTES = 8 << 20;

/**
 * Reads at most `limit` bytes. A declared Content-Length above the limit is refused before
 * reading anything; a body that grows past it is refused at the first byte over. Either way
 * nothing beyond the limit is kept in memory.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve({ ok: false, status: 413, error: `body of ${declared} bytes is over the ${limit}-byte limit` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: BodyRead): void => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, status: 413, error: `body is over the ${limit}-byte limit` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (e: Error): void => finish({ ok: false, status: 400, error: `cannot read the body: ${e.message}` });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * Ends a request whose body is refused: the reply goes out with `Connection: close`, the rest
 * of the upload is discarded (not kept) for a short while so the client reads the reply
 * instead of a reset, then the socket is destroyed.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  res.shouldKeepAlive = false;
  sendJson(res, status, body, { Connection: "close", ...(status === 401 ? CHALLENGE : {}) });
  let drained = 0;
  const stop = (): void => {
    clearTimeout(timer);
    req.off("data", onData);
    req.socket.destroy();
  };
  const onData = (c: Buffer): void => {
    drained += c.length;
    if (drained > DRAIN_BYTES) stop();
  };
  const timer = setTimeout(stop, DRAIN_MS);
  timer.unref();
  req.on("data", onData);
  req.once("end", () => clearTimeout(timer));
  req.resume();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(body) + "\n", headers);
}

/** Sends a reply already serialised as JSON text (a string or its UTF-8 bytes). */
export function sendJsonText(res: ServerResponse, status: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { error, ...extra }, status === 401 ? CHALLENGE : {});
}

/** A non-negative integer query parameter, `fallback` when absent, undefined when malformed. */
export function intParam(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  return Math.min(Number(raw), max);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.") || address === "localhost";
}
