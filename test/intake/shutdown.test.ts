import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { call, createSource, removeRoot, startHarness, tempRoot } from "./helpers.js";

describe("intake graceful close", () => {
  let root = "";
  afterAll(async () => {
    if (root) await removeRoot(root);
  });

  it("finishes an in-flight post before closing, ends long polls, and releases the directory", async () => {
    root = await tempRoot();
    const h = await startHarness({ root });
    const token = await createSource(h.base, "web");
    const poll = call(h.base, "GET", "/queue?after=0&wait=20000", { token });
    // a post whose body is still arriving when close() is called
    const posted = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: h.server.port, method: "POST", path: "/events/web", headers: { Authorization: `Bearer ${token}`, "Transfer-Encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write('{"summary":');
      setTimeout(() => req.end('"slow"}'), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await h.server.close();
    const r = await posted;
    expect(r.status).toBe(202);
    expect(JSON.parse(r.body)).toMatchObject({ accepted: 1 });
    expect((await poll).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    // the directory is free again and the event is there
    const h2 = await startHarness({ root });
    const q = await call(h2.base, "GET", "/queue?after=0", { token });
    expect((q.body.events as { summary: string }[]).map((e) => e.summary)).toContain("slow");
    await h2.stop();
  });
});
