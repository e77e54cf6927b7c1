// The admin API (loopback only, admin token): sources and tokens, schemas, DLQ, reprocess,
// health, counters.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { isMeshroomError } from "../errors/index.js";
import { intParam, readBody, sendError, sendJson } from "./http-util.js";
import type { RouteContext } from "./routes-events.js";
import { JsonSchemaObject, SourceKind, SourceName } from "./sources.js";
import { bearerToken, tokenMatchesHash } from "./tokens.js";

export interface AdminContext extends RouteContext {
  adminTokenHash: string;
  startedAt: Date;
}

const ADMIN_BODY_LIMIT = 256 * 1024;

const CreateSource = z.strictObject({ name: SourceName, kind: SourceKind.default("producer"), schema: JsonSchemaObject.optional() });
const Reprocess = z.strictObject({ source: SourceName.optional() });

/** Handles `/admin/...` and `/dlq`; false when the path is not an admin route. */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminContext): Promise<boolean> {
  const path = url.pathname === "/dlq" ? "/admin/dlq" : url.pathname;
  if (!path.startsWith("/admin/")) return false;
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) {
    sendError(res, 401, "missing bearer token: send `Authorization: Bearer <admin token>`");
    return true;
  }
  if (!tokenMatchesHash(token, ctx.adminTokenHash)) {
    sendError(res, 403, "wrong admin token");
    return true;
  }
  try {
    await route(req, res, url, path, ctx);
  } catch (e) {
    if (!isMeshroomError(e)) throw e;
    const status = e.code === "E_NOT_FOUND" ? 404 : e.code === "E_EXISTS" ? 409 : e.code === "E_BAD_VALUE" ? 400 : 500;
    sendError(res, status, e.message, e.detail ? { detail: e.detail } : {});
  }
  return true;
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, path: string, ctx: AdminContext): Promise<void> {
  const { store } = ctx;
  const m = req.method ?? "GET";
  const parts = path.split("/").slice(2).map(decodeURIComponent); // ["sources", name?, "schema"?]
  const [head, name, sub] = parts;

  if (path === "/admin/health" && m === "GET") {
    const [events, dlqSize] = await Promise.all([store.spool.stats(), store.dlq.total()]);
    return sendJson(res, 200, {
      status: "ok",
      pid: process.pid,
      uptime_s: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      last_offset: events.last,
      queued: events.count,
      dlq_size: dlqSize,
      sources: store.sources.list().length,
    });
  }
  if (path === "/admin/counters" && m === "GET") return sendJson(res, 200, await store.counterSnapshot());
  if (path === "/admin/dlq" && m === "GET") {
    const limit = intParam(url, "limit", 100, 1000);
    if (limit === undefined) return sendError(res, 400, "`limit` must be a non-negative integer");
    const source = url.searchParams.get("source") ?? undefined;
    return sendJson(res, 200, { entries: await store.dlq.list({ source, limit }), total: await store.dlq.total(source) });
  }
  if (path === "/admin/reprocess" && m === "POST") {
    const body = await readJson(req, res, Reprocess);
    if (body === undefined) return;
    return sendJson(res, 200, await store.reprocess(body));
  }
  if (head === "sources" && name === undefined && m === "GET") return sendJson(res, 200, { sources: store.sources.list() });
  if (head === "sources" && name === undefined && m === "POST") {
    const body = await readJson(req, res, CreateSource);
    if (body === undefined) return;
    const token = await store.sources.create(body);
    return sendJson(res, 201, { name: body.name, kind: body.kind, token });
  }
  if (head === "sources" && name !== undefined && sub === undefined && parts.length === 2) {
    if (m === "GET") {
      const rec = store.sources.get(name);
      if (!rec) return sendError(res, 404, `no source \`${name}\``);
      return sendJson(res, 200, { name: rec.name, kind: rec.kind, created_at: rec.created_at, schema: rec.schema ?? null });
    }
    if (m === "DELETE") {
      await store.sources.remove(name);
      return sendJson(res, 200, { name, revoked: true });
    }
  }
  if (head === "sources" && name !== undefined && sub === "schema" && parts.length === 3 && m === "PUT") {
    const body = await readJson(req, res, JsonSchemaObject.nullable());
    if (body === undefined) return;
    await store.sources.setSchema(name, body);
    return sendJson(res, 200, { name, has_schema: body !== null });
  }
  sendError(res, 404, `no admin route ${m} ${path}`);
}

/** Reads and checks a JSON body; on failure replies 400/413 itself and returns undefined. */
async function readJson<S extends z.ZodType>(req: IncomingMessage, res: ServerResponse, schema: S): Promise<z.output<S> | undefined> {
  const read = await readBody(req, ADMIN_BODY_LIMIT);
  if (!read.ok) {
    sendError(res, read.status, read.error);
    return undefined;
  }
  let json: unknown = {};
  const text = read.body.toString("utf8");
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch (e) {
      sendError(res, 400, `body is not JSON: ${(e as Error).message}`);
      return undefined;
    }
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    sendError(res, 400, `bad request body: ${r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`);
    return undefined;
  }
  return r.data;
}
