// The producer/consumer side of the HTTP API: POST /events/<source> and GET /queue.
import type { IncomingMessage, ServerResponse } from "node:http";
import { splitBodyFairly } from "./body.js";
import { Gate } from "./gate.js";
import { intParam, readBody, refuseBody, sendError, sendJson, sendJsonText } from "./http-util.js";
import { MAX_EVENTS_PER_REQUEST } from "./limits.js";
import type { IngestMeta, IntakeQueue } from "./queue.js";
import { bearerToken } from "./tokens.js";
import { IDEMPOTENCY_HEADER, parseIdempotencyKey, requestFingerprint, type StoredReply } from "./idempotency.js";

export interface RouteContext {
  store: IntakeQueue;
  maxBody: number;
  /** Aborted when the server shuts down (ends long polls). */
  closing: AbortSignal;
  /** Big bodies (over BIG_BODY bytes) are split and checked one at a time. */
  bigBodies?: Gate;
}

/** Bodies above this size go through `bigBodies`, one at a time. */
const BIG_BODY = 64 * 1024;

const EVENTS_HEAD = Buffer.from('{"events":[');

export const MAX_QUEUE_LIMIT = 1000;
export const MAX_WAIT_MS = 30_000;

export async function postEvents(req: IncomingMessage, res: ServerResponse, source: string, ctx: RouteContext): Promise<void> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) {
    // nothing of the body is read: the connection is closed after the reply
    refuseBody(req, res, 401, { error: "missing bearer token: send `Authorization: Bearer <source token>`" });
    return;
  }
  const rec = ctx.store.sources.authenticate(source, token, req.socket);
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
  const meta: IngestMeta = { receivedAt, remoteAddress: req.socket.remoteAddress ?? "unknown", idempotencyKey: idem.key };
  const contentType = req.headers["content-type"];
  const work = (): Promise<StoredReply> => ingestReply(ctx, source, read.body, contentType, meta);
  const store = (): Promise<StoredReply> => (read.body.length > BIG_BODY && ctx.bigBodies ? ctx.bigBodies.run(work) : work());
  if (idem.key === undefined) {
    const reply = await store();
    sendJson(res, reply.status, reply.body);
    return;
  }
  const out = await ctx.store.idempotency.run(source, idem.key, requestFingerprint(contentType, read.body), store);
  if (out.kind === "conflict") return sendError(res, 409, out.error);
  sendJson(res, out.reply.status, out.reply.body, out.kind === "replayed" ? { "Idempotent-Replayed": "true" } : {});
}

/** Splits, checks and stores one request's events; the reply it earns (replayed as is for a retried Idempotency-Key). */
async function ingestReply(
  ctx: RouteContext, source: string, body: Buffer, contentType: string | undefined, meta: IngestMeta,
): Promise<StoredReply> {
  const split = await splitBodyFairly(body, contentType);
  if (!split.ok) {
    const error = `${split.count} events in one request, over the limit of ${MAX_EVENTS_PER_REQUEST}: nothing was stored; send them in several requests`;
    return { status: 413, body: { error, limit: MAX_EVENTS_PER_REQUEST } };
  }
  const result = await ctx.store.ingest(source, split.items, meta);
  if (result.rejectedCount === 0) return { status: 202, body: { accepted: result.accepted, offsets: result.offsets } };
  const first = result.rejected[0]?.reason ?? "";
  const n = result.rejectedCount;
  // the reply lists the first rejections only; rejected_count and the DLQ have them all
  return {
    status: 422,
    body: {
      error: n === 1 ? first : `${n} of ${n + result.accepted} events were rejected; first: ${first}`,
      accepted: result.accepted,
      offsets: result.offsets,
      rejected: result.rejected,
      rejected_count: n,
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
  let page = await ctx.store.spool.readRaw({ after, limit, source });
  if (page.count === 0 && wait > 0 && !ctx.closing.aborted) {
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    await ctx.store.spool.waitFor(page.next, wait, AbortSignal.any([ctx.closing, gone.signal]));
    page = await ctx.store.spool.readRaw({ after, limit, source });
  }
  // the events are sent as stored (each line is JSON the spool wrote), not parsed and re-serialised
  const tail = Buffer.from(`],"next":${page.next},"last":${page.last}}\n`);
  sendJsonText(res, 200, Buffer.concat([EVENTS_HEAD, ...page.json, tail]));
}
