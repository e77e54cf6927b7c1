import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createSource, removeRoot, startHarness, type Harness } from "./helpers.js";

interface Page {
  events: { offset: number; source: string; summary: string }[];
  next: number;
  last: number;
}

describe("intake queue", () => {
  let h: Harness;
  let web: string;
  let app: string;
  let consumer: string;
  beforeAll(async () => {
    h = await startHarness();
    web = await createSource(h.base, "web");
    app = await createSource(h.base, "app");
    consumer = await createSource(h.base, "siem", { kind: "consumer" });
    for (let i = 1; i <= 25; i++) {
      const token = i % 5 === 0 ? app : web;
      const r = await call(h.base, "POST", `/events/${i % 5 === 0 ? "app" : "web"}`, { token, body: { summary: `e${i}` } });
      expect(r.body.offsets).toEqual([i]);
    }
  });
  afterAll(async () => {
    await h.stop();
    await removeRoot(h.root);
  });

  it("pages through everything with a consumer token using after/next", async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const r = await call(h.base, "GET", `/queue?after=${after}&limit=7`, { token: consumer });
      expect(r.status).toBe(200);
      const page = r.body as unknown as Page;
      expect(page.last).toBe(25);
      if (page.events.length === 0) break;
      expect(page.events.length).toBeLessThanOrEqual(7);
      seen.push(...page.events.map((e) => e.offset));
      after = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const tail = await call(h.base, "GET", "/queue?after=20&limit=100", { token: consumer });
    expect((tail.body as unknown as Page).events.map((e) => e.summary)).toEqual(["e21", "e22", "e23", "e24", "e25"]);
  });

  it("shows a producer only its own events, and a consumer one source on request", async () => {
    const own = (await call(h.base, "GET", "/queue?after=0&limit=100", { token: app })).body as unknown as Page;
    expect(own.events.map((e) => e.offset)).toEqual([5, 10, 15, 20, 25]);
    expect(own.events.every((e) => e.source === "app")).toBe(true);
    const peek = await call(h.base, "GET", "/queue?source=web", { token: app });
    expect(peek.status).toBe(403);
    const filtered = (await call(h.base, "GET", "/queue?after=3&limit=2&source=app", { token: consumer })).body as unknown as Page;
    expect(filtered.events.map((e) => e.offset)).toEqual([5, 10]);
    expect(filtered.next).toBe(10);
  });

  it("needs a token and sane parameters", async () => {
    expect((await call(h.base, "GET", "/queue")).status).toBe(401);
    expect((await call(h.base, "GET", "/queue", { token: "nope" })).status).toBe(403);
    expect((await call(h.base, "GET", "/queue?after=-1", { token: consumer })).status).toBe(400);
    expect((await call(h.base, "GET", "/queue?limit=0", { token: consumer })).status).toBe(400);
  });

  it("long-polls with wait until a new event arrives", async () => {
    const started = Date.now();
    const waiting = call(h.base, "GET", "/queue?after=25&wait=5000", { token: consumer });
    await new Promise((r) => setTimeout(r, 200));
    await call(h.base, "POST", "/events/web", { token: web, body: { summary: "late" } });
    const r = await waiting;
    expect((r.body as unknown as Page).events.map((e) => e.summary)).toEqual(["late"]);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("exposes the DLQ to the admin only", async () => {
    expect((await call(h.base, "GET", "/dlq", { token: consumer })).status).toBe(403);
    expect((await call(h.base, "GET", "/admin/dlq", { token: ADMIN })).status).toBe(200);
  });
});
