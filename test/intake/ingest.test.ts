import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createSource, removeRoot, startHarness, type Harness } from "./helpers.js";

interface DlqEntry {
  id: string;
  source: string;
  reason: string;
  received_at: string;
  raw: string;
}

async function dlq(h: Harness): Promise<DlqEntry[]> {
  const r = await call(h.base, "GET", "/dlq?limit=1000", { token: ADMIN });
  expect(r.status).toBe(200);
  return r.body.entries as DlqEntry[];
}

/** Streams `total` bytes in chunks without a Content-Length; resolves with the status the server answered. */
function streamUpload(port: number, token: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/events/web", headers: { Authorization: `Bearer ${token}`, "Transfer-Encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("intake ingest", () => {
  let h: Harness;
  let web: string;
  beforeAll(async () => {
    h = await startHarness({ maxBody: 64 * 1024 });
    web = await createSource(h.base, "web", { schema: { type: "object", properties: { user: { type: "string" } } } });
  });
  afterAll(async () => {
    await h.stop();
    await removeRoot(h.root);
  });

  it("wraps an accepted event in a MozDef-style envelope", async () => {
    const ev = { summary: "login failed", category: "authentication", severity: "warning", tags: ["auth"], hostname: "web1", processname: "sshd", processid: 42, user: "bob", utctimestamp: "2024-05-01T10:00:00+02:00" };
    const r = await call(h.base, "POST", "/events/web", { token: web, body: ev });
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    const [offset] = r.body.offsets as number[];
    const q = await call(h.base, "GET", `/queue?after=${(offset as number) - 1}&limit=1`, { token: web });
    const env = (q.body.events as Record<string, unknown>[])[0];
    expect(env).toMatchObject({
      offset,
      hostname: "web1",
      processname: "sshd",
      processid: 42,
      summary: "login failed",
      category: "authentication",
      source: "web",
      eventsource: "meshroom-intake",
      severity: "WARNING",
      tags: ["auth"],
      details: ev,
      utctimestamp: "2024-05-01T08:00:00.000Z",
    });
    expect(Date.parse(env?.receivedtimestamp as string)).toBeGreaterThan(Date.parse("2024-06-01"));
  });

  it("fills defaults for a payload-only event", async () => {
    const r = await call(h.base, "POST", "/events/web", { token: web, body: { payload: { k: 1 } } });
    expect(r.status).toBe(202);
    const q = await call(h.base, "GET", `/queue?after=${(r.body.offsets as number[])[0]! - 1}&limit=1`, { token: web });
    expect((q.body.events as Record<string, unknown>[])[0]).toMatchObject({ summary: '{"k":1}', category: "event", severity: "INFO", hostname: "127.0.0.1", processid: null, tags: [] });
  });

  it("refuses a body over the limit with 413 (declared length) and keeps nothing", async () => {
    const before = await call(h.base, "GET", "/admin/counters", { token: ADMIN });
    const big = JSON.stringify({ summary: "x".repeat(100 * 1024) });
    const r = await call(h.base, "POST", "/events/web", { token: web, raw: big });
    expect(r.status).toBe(413);
    const after = await call(h.base, "GET", "/admin/counters", { token: ADMIN });
    expect(after.body).toEqual(before.body);
  });

  it("refuses a streamed (chunked) body once it passes the limit", async () => {
    expect(await streamUpload(h.server.port, web, 4 * 1024 * 1024)).toBe(413);
    // the server is still healthy afterwards
    expect((await call(h.base, "POST", "/events/web", { token: web, body: { summary: "after" } })).status).toBe(202);
  });

  it("puts a non-JSON body in the DLQ with the reason and answers 422", async () => {
    const r = await call(h.base, "POST", "/events/web", { token: web, raw: "this is { not json" });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/not JSON/);
    const id = (r.body.rejected as { dlq_id: string }[])[0]?.dlq_id;
    const entry = (await dlq(h)).find((e) => e.id === id);
    expect(entry).toMatchObject({ source: "web", raw: "this is { not json" });
    expect(entry?.reason).toMatch(/not JSON/);
    expect(Number.isNaN(Date.parse(entry?.received_at ?? ""))).toBe(false);
  });

  it("rejects an event without summary or payload, and one failing the source schema", async () => {
    const a = await call(h.base, "POST", "/events/web", { token: web, body: { category: "x" } });
    expect(a.status).toBe(422);
    expect(a.body.error).toMatch(/summary.*payload/);
    const b = await call(h.base, "POST", "/events/web", { token: web, body: { summary: "s", user: 7 } });
    expect(b.status).toBe(422);
    expect(b.body.error).toMatch(/JSON schema.*\/user must be string/);
    const c = await call(h.base, "POST", "/events/web", { token: web, body: { summary: "s", severity: "loud" } });
    expect(c.status).toBe(422);
    const reasons = (await dlq(h)).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining([a.body.error, b.body.error, c.body.error]));
  });

  it("accepts a JSON array batch and NDJSON, rejecting only the bad items", async () => {
    const batch = await call(h.base, "POST", "/events/web", { token: web, body: [{ summary: "a" }, { summary: "b" }, { summary: "c" }] });
    expect(batch.status).toBe(202);
    const offs = batch.body.offsets as number[];
    expect(offs).toHaveLength(3);
    expect(offs[1]).toBe(offs[0]! + 1);
    expect(offs[2]).toBe(offs[0]! + 2);

    const nd = ['{"summary":"one"}', "garbage", '{"summary":"three"}', ""].join("\n");
    const r = await call(h.base, "POST", "/events/web", { token: web, raw: nd, type: "application/x-ndjson" });
    expect(r.status).toBe(422);
    expect(r.body.accepted).toBe(2);
    const rej = r.body.rejected as { index: number; reason: string; dlq_id: string }[];
    expect(rej).toHaveLength(1);
    expect(rej[0]?.index).toBe(1);
    expect(rej[0]?.reason).toMatch(/line 2 is not JSON/);
    expect((await dlq(h)).find((e) => e.id === rej[0]?.dlq_id)?.raw).toBe("garbage");
  });

  it("counts accepted and rejected per source", async () => {
    const c = await call(h.base, "GET", "/admin/counters", { token: ADMIN });
    const web = (c.body.per_source as Record<string, { accepted: number; rejected: number; dlq: number }>).web;
    const q = await call(h.base, "GET", "/admin/health", { token: ADMIN });
    expect(web?.accepted).toBe(q.body.queued);
    expect(web?.rejected).toBe((await dlq(h)).length);
    expect(c.body.dlq_size).toBe(web?.dlq);
  });
});
