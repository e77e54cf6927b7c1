import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createSource, removeRoot, startHarness, type Harness } from "./helpers.js";

describe("intake auth", () => {
  let h: Harness;
  let web: string;
  let app: string;
  beforeAll(async () => {
    h = await startHarness();
    web = await createSource(h.base, "web");
    app = await createSource(h.base, "app");
  });
  afterAll(async () => {
    await h.stop();
    await removeRoot(h.root);
  });

  const ev = { summary: "login failed", category: "authentication" };

  it("refuses a post without a token with 401 and a Bearer challenge", async () => {
    const res = await fetch(`${h.base}/events/web`, { method: "POST", body: JSON.stringify(ev) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const malformed = await call(h.base, "POST", "/events/web", { body: ev });
    expect(malformed.status).toBe(401);
  });

  it("refuses a wrong token, another source's token and an unknown source alike with 403", async () => {
    const wrong = await call(h.base, "POST", "/events/web", { token: "mri_not-the-token", body: ev });
    const other = await call(h.base, "POST", "/events/web", { token: app, body: ev });
    const unknown = await call(h.base, "POST", "/events/nobody", { token: web, body: ev });
    expect([wrong.status, other.status, unknown.status]).toEqual([403, 403, 403]);
    expect(unknown.body.error).toBe(wrong.body.error); // an unknown source is not revealed
    const right = await call(h.base, "POST", "/events/web", { token: web, body: ev });
    expect(right.status).toBe(202);
  });

  it("stores only token hashes", async () => {
    const text = await readFile(join(h.dir, "sources.json"), "utf8");
    expect(text).not.toContain(web);
    expect(text).not.toContain(app);
    expect(text).toMatch(/"token_sha256": "[0-9a-f]{64}"/);
  });

  it("rejects a revoked token, and the source is gone from the list", async () => {
    const tok = await createSource(h.base, "temp");
    expect((await call(h.base, "POST", "/events/temp", { token: tok, body: ev })).status).toBe(202);
    const del = await call(h.base, "DELETE", "/admin/sources/temp", { token: ADMIN });
    expect(del.status).toBe(200);
    expect((await call(h.base, "POST", "/events/temp", { token: tok, body: ev })).status).toBe(403);
    expect((await call(h.base, "GET", "/queue", { token: tok })).status).toBe(403);
    const list = await call(h.base, "GET", "/admin/sources", { token: ADMIN });
    expect((list.body.sources as { name: string }[]).map((s) => s.name).sort()).toEqual(["app", "web"]);
    expect((await call(h.base, "DELETE", "/admin/sources/temp", { token: ADMIN })).status).toBe(404);
  });

  it("guards the admin API with the admin token", async () => {
    expect((await call(h.base, "GET", "/admin/health")).status).toBe(401);
    expect((await call(h.base, "GET", "/admin/health", { token: web })).status).toBe(403);
    expect((await call(h.base, "POST", "/admin/sources", { token: web, body: { name: "evil" } })).status).toBe(403);
    const ok = await call(h.base, "GET", "/admin/health", { token: ADMIN });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("ok");
  });

  it("does not let a consumer token post events", async () => {
    const r = await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "siem", kind: "consumer" } });
    expect(r.status).toBe(201);
    const post = await call(h.base, "POST", "/events/siem", { token: r.body.token as string, body: ev });
    expect(post.status).toBe(403);
  });

  it("refuses duplicate and badly named sources", async () => {
    expect((await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "web" } })).status).toBe(409);
    expect((await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "../x" } })).status).toBe(400);
    expect((await call(h.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "x", schema: { type: 12 } } })).status).toBe(400);
  });
});
