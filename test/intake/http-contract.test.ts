// The HTTP contract of the intake at its edges, as raw HTTP/1.1 on a socket: what a refused
// request gets (status, `{error}` body, headers, connection closed or not) whatever the HTTP
// layer underneath, and the hostile-client bounds: a declared oversized body is refused before
// it is sent, a header flood gets 431, a head sent byte by byte is cut, a refused upload does
// not cost the server the body. (Written for the fastify trial on branch `fastify`; it passes on
// both layers, so it holds the contract whichever serves it.)
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIntakeServer, type IntakeServer } from "../../src/intake/index.js";
import { ADMIN, call, createSource, removeRoot, startHarness, tempRoot, type Harness } from "./helpers.js";

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after the reply. */
  closed: boolean;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Sends `head` (and `body`), reads one reply; `closed` tells whether the server then closed the connection (within `ms`). */
async function raw(port: number, head: string, body: string | Buffer = "", ms = 3000): Promise<RawReply> {
  const s = await open(port);
  s.on("error", () => undefined);
  let data = Buffer.alloc(0);
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    s.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  s.on("data", (d: Buffer) => (data = Buffer.concat([data, d])));
  s.write(head);
  if (body.length > 0) s.write(body);
  const wasClosed = await closed;
  s.destroy();
  return parse(data.toString("utf8"), wasClosed);
}

function parse(text: string, closed: boolean): RawReply {
  const end = text.indexOf("\r\n\r\n");
  const lines = text.slice(0, end === -1 ? text.length : end).split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status, headers, body: end === -1 ? "" : text.slice(end + 4), closed };
}

const errorOf = (r: RawReply): string => {
  const body = JSON.parse(r.body) as { error?: unknown };
  expect(typeof body.error).toBe("string");
  return body.error as string;
};

describe("intake HTTP contract", () => {
  let h: Harness;
  let port: number;
  let web: string;
  beforeAll(async () => {
    h = await startHarness({ maxBody: 4096 });
    port = h.server.port;
    web = await createSource(h.base, "web");
  });
  afterAll(async () => {
    await h.stop();
    await removeRoot(h.root);
  });

  const post = (path: string, token: string | undefined, body: string, extra = ""): string =>
    `POST ${path} HTTP/1.1\r\nHost: intake\r\n${token ? `Authorization: Bearer ${token}\r\n` : ""}Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`;

  it("answers a post with JSON, no-store and nosniff, and keeps the connection", async () => {
    const body = JSON.stringify({ summary: "hello" });
    const r = await raw(port, post("/events/web", web, body, "Content-Type: application/json\r\n"), body, 500);
    expect(r.status).toBe(202);
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.body.endsWith("\n")).toBe(true);
    expect(JSON.parse(r.body)).toMatchObject({ accepted: 1, offsets: [expect.any(Number)] });
    expect(r.closed).toBe(false);
  });

  it("takes a body of any content type, or none, as JSON or NDJSON", async () => {
    for (const type of ["text/plain", "application/octet-stream", "application/ndjson", "text", "not a type;", undefined]) {
      const body = '{"summary":"a"}\n{"summary":"b"}\n';
      const r = await raw(port, post("/events/web", web, body, `${type ? `Content-Type: ${type}\r\n` : ""}Connection: close\r\n`), body);
      expect({ type, status: r.status }).toEqual({ type, status: 202 });
      expect(JSON.parse(r.body)).toMatchObject({ accepted: 2 });
    }
    const empty = await raw(port, post("/events/web", web, "", "Connection: close\r\n"));
    expect(empty.status).toBe(422);
    expect(errorOf(empty)).toMatch(/empty body/);
  });

  it("refuses a post without a token (401, challenge) or with a wrong one (403) without reading the body, and closes", async () => {
    const body = "x".repeat(3000);
    const none = await raw(port, post("/events/web", undefined, body), "");
    expect([none.status, none.closed]).toEqual([401, true]);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
    expect(errorOf(none)).toMatch(/missing bearer token/);
    const wrong = await raw(port, post("/events/web", "mri_wrong", body), "");
    expect([wrong.status, wrong.closed]).toEqual([403, true]);
    const badKey = await raw(port, post("/events/web", web, body, "Idempotency-Key: \x01\r\n"), "");
    expect([badKey.status, badKey.closed]).toEqual([400, true]);
  });

  it("refuses a declared oversized body before it is sent (413, closed), and a streamed one at the first byte over", async () => {
    const declared = await raw(port, `POST /events/web HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer ${web}\r\nContent-Length: 999999999\r\n\r\n`);
    expect([declared.status, declared.closed]).toEqual([413, true]);
    expect(errorOf(declared)).toBe("body of 999999999 bytes is over the 4096-byte limit");
    const chunk = "x".repeat(3000);
    const streamed = await raw(
      port,
      `POST /events/web HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer ${web}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect([streamed.status, streamed.closed]).toEqual([413, true]);
    expect(errorOf(streamed)).toBe("body is over the 4096-byte limit");
  });

  it("answers a header flood with 431 and closes", async () => {
    const flood = `GET /health HTTP/1.1\r\nHost: intake\r\n${Array.from({ length: 400 }, (_, i) => `X-Flood-${i}: ${"y".repeat(60)}\r\n`).join("")}\r\n`;
    const r = await raw(port, flood);
    expect([r.status, r.closed]).toEqual([431, true]);
  });

  it("answers unknown routes, methods and bad URLs with {error}", async () => {
    const get = (path: string, extra = ""): Promise<RawReply> => raw(port, `GET ${path} HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n${extra}\r\n`);
    const nope = await get("/nope");
    expect([nope.status, errorOf(nope)]).toEqual([404, "no route GET /nope"]);
    const wrongMethod = await get("/events/web");
    expect([wrongMethod.status, errorOf(wrongMethod)]).toEqual([404, "no route GET /events/web"]);
    const head = await raw(port, "HEAD /health HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n\r\n");
    expect(head.status).toBe(404);
    const bad = await raw(port, post("/events/%zz", web, "{}", "Connection: close\r\n"), "{}");
    expect([bad.status, errorOf(bad)]).toEqual([400, "malformed URL"]);
    // the admin paths check the peer and the token before saying a route does not exist
    expect((await get("/admin/nope")).status).toBe(401);
    const adminNope = await get("/admin/nope", `Authorization: Bearer ${ADMIN}\r\n`);
    expect([adminNope.status, errorOf(adminNope)]).toEqual([404, "no admin route GET /admin/nope"]);
  });

  it("checks query parameters and admin bodies with their schemas, worded as before", async () => {
    const q = await call(h.base, "GET", "/queue?limit=0", { token: web });
    expect([q.status, q.body.error]).toEqual([400, "`after`, `limit` (1-1000) and `wait` (ms, ≤ 30000) must be non-negative integers"]);
    expect((await call(h.base, "GET", "/queue?after=x", { token: web })).status).toBe(400);
    const page = await call(h.base, "GET", "/queue?limit=5000&after=&after=0", { token: web });
    expect(page.status).toBe(200);
    expect((page.body.events as unknown[]).length).toBeGreaterThan(0);
    expect((await call(h.base, "GET", "/queue", {})).status).toBe(401);
    const dlq = await call(h.base, "GET", "/dlq?limit=-1", { token: ADMIN });
    expect([dlq.status, dlq.body.error]).toEqual([400, "`limit` must be a non-negative integer"]);
    expect((await call(h.base, "GET", "/dlq?limit=0", { token: ADMIN })).body.entries).toEqual([]);
    const notJson = await call(h.base, "POST", "/admin/sources", { token: ADMIN, raw: "{nope" });
    expect([notJson.status, notJson.body.error]).toEqual([400, expect.stringMatching(/^body is not JSON: /)]);
    const badName = await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "../x" } });
    expect([badName.status, badName.body.error]).toEqual([400, expect.stringMatching(/^bad request body: name: /)]);
    const extra = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: { source: "web", more: 1 } });
    expect(extra.status).toBe(400);
    const noBody = await fetch(`${h.base}/admin/reprocess`, { method: "POST", headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(noBody.status).toBe(200);
    expect(await noBody.json()).toMatchObject({ moved: 0 });
    const big = await call(h.base, "PUT", "/admin/sources/web/schema", { token: ADMIN, raw: `{"description":"${"d".repeat(300 * 1024)}"}` });
    expect([big.status, big.body.error]).toEqual([413, "body of 307218 bytes is over the 262144-byte limit"]);
    const cleared = await call(h.base, "PUT", "/admin/sources/web/schema", { token: ADMIN, raw: "null" });
    expect(cleared.body).toEqual({ name: "web", has_schema: false });
    const exists = await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "web" } });
    expect(exists.status).toBe(409);
    for (const path of ["/admin/health", "/admin/counters", "/admin/sources", "/admin/sources/web"]) {
      const r = await call(h.base, "GET", path, { token: ADMIN });
      expect([path, r.status]).toEqual([path, 200]);
    }
  });
});

describe("intake head timeout", () => {
  let server: IntakeServer | undefined;
  let root: string | undefined;
  afterAll(async () => {
    await server?.close();
    if (root) await removeRoot(root);
  });

  it("cuts a request head sent a byte at a time at --headers-timeout (408, closed)", async () => {
    root = await tempRoot();
    server = await startIntakeServer({ dir: join(root, "data"), port: 0, adminToken: ADMIN, limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
    const s = await open(server.port);
    s.on("error", () => undefined);
    const head = "GET /health HTTP/1.1\r\nHost: intake\r\nX-Slow: " + "z".repeat(200);
    let text = "";
    s.on("data", (d: Buffer) => (text += d.toString("utf8")));
    let sent = 0;
    const pace = setInterval(() => {
      if (s.destroyed || sent >= head.length) return clearInterval(pace);
      s.write(head[sent++] as string);
    }, 50);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      s.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    clearInterval(pace);
    expect(s.destroyed || s.readableEnded).toBe(true);
    expect(sent).toBeLessThan(head.length);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    s.destroy();
  }, 20_000);
});
