// The producer/consumer side of the HTTP API: POST /events/<source> and GET /queue.
import type { IncomingMessage, ServerResponse } from "node:http";
import { splitBody, type BodyItem } from "./body.js";
import { intParam, readBody, refuseBody, sendError, sendJson } from "./http-util.js";
import type { IngestMeta, IntakeStore } from "./store.js";
import { bearerToken } from "./tokens.js";
import { IDEMPOTENCY_HEADER, parseIdempotencyKey, requestFingerprint, type StoredReply } from "./idempotency.js";

export interface RouteContext {
  store: IntakeStore;
  maxBody: number;
  /** Aborted when the server shuts down (ends long polls). */
  closing: AbortSignal;
}

export const MAX_QUEUE_LIMIT = 1000;
export const MAX_WAIT_MS = 30_000;

export async function postEvents(req: IncomingMessage, res: ServerResponse, source: string, ctx: RouteContext): Promise<void> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) {
    // nothing of the body is read: the connection is closed after the reply
    refuseBody(req, res, 401, { error: "missing bearer token: send `Authorization: Bearer <source token>`" });
    return;
  }
  const rec = ctx.store.sources.authenticate(source, token);
  if (!rec || rec.kind !== "producer") {
    refuseBody(req, res, 403, { error: "this token may not post events to this source" });
    return;
  }
  const idem = parseIdempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
  if (idem.error !== undefined) {
    refuseBody(req, res, 400, { error: idem.error });
    return;
  }
  const receivedAt = new Date();
  const read = await readBody(req, ctx.maxBody);
  if (!read.ok) {
    refuseBody(req, res, read.status, { error: read.error });
    return;
  }
  const meta = { receivedAt, remoteAddress: req.socket.remoteAddress ?? "unknown", idempotencyKey: idem.key };
  const store = (): Promise<StoredReply> => ingestReply(ctx, source, splitBody(read.body, req.headers["content-type"]), meta);
  if (idem.key === undefined) {
    const reply = await store();
    sendJson(res, reply.status, reply.body);
    return;
  }
  const out = await ctx.store.idempotency.run(source, idem.key, requestFingerprint(req.headers["content-type"], read.body), store);
  if (out.kind === "conflict") return sendError(res, 409, out.error);
  sendJson(res, out.reply.status, out.reply.body, out.kind === "replayed" ? { "Idempotent-Replayed": "true" } : {});
}

async function ingestReply(ctx: RouteContext, source: string, items: BodyItem[], meta: IngestMeta): Promise<StoredReply> {
  const result = await ctx.store.ingest(source, items, meta);
  if (result.rejected.length === 0) return { status: 202, body: { accepted: result.accepted, offsets: result.offsets } };
  const first = result.rejected[0]?.reason ?? "";
  const n = result.rejected.length;
  return {
    status: 422,
    body: {
      error: n === 1 ? first : `${n} of ${items.length} events were rejected; first: ${first}`,
      accepted: result.accepted,
      offsets: result.offsets,
      rejected: result.rejected,
    },
  };
}

/**
 * GET /queue?after=N&limit=M[&source=S][&wait=MS]. A consumer token reads every source (or
 * one with `source=`); a producer token reads only its own source's events. `wait` long-polls
 * until an event past `after` exists.
 */
export async function getQueue(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) return sendError(res, 401, "missing bearer token: send `Authorization: Bearer <consumer or source token>`");
  const rec = ctx.store.sources.authenticateAny(token);
  if (!rec) return sendError(res, 403, "this token may not read the queue");
  const after = intParam(url, "after", 0);
  const limit = intParam(url, "limit", 100, MAX_QUEUE_LIMIT);
  const wait = intParam(url, "wait", 0, MAX_WAIT_MS);
  if (after === undefined || limit === undefined || wait === undefined || limit === 0) {
    return sendError(res, 400, "`after`, `limit` (1-1000) and `wait` (ms, ≤ 30000) must be non-negative integers");
  }
  const asked = url.searchParams.get("source") ?? undefined;
  if (rec.kind === "producer" && asked !== undefined && asked !== rec.name) return sendError(res, 403, "a source token reads only its own events");
  const source = rec.kind === "producer" ? rec.name : asked;
  let page = await ctx.store.spool.read({ after, limit, source });
  if (page.events.length === 0 && wait > 0 && !ctx.closing.aborted) {
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    await ctx.store.spool.waitFor(page.next, wait, AbortSignal.any([ctx.closing, gone.signal]));
    page = await ctx.store.spool.read({ after, limit, source });
  }
  sendJson(res, 200, page);
}
