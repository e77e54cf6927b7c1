// Attack: small bodies that make the intake answer (or read) far more than they cost. Before the
// fix a 200 KB body of invalid lines got a reply listing every rejection (megabytes), and a
// `GET /queue` page returned every event up to `limit` whatever their size.
import { describe, expect, it } from "vitest";
import { ADMIN, call, createSource, harnessPool } from "../intake/helpers.js";

async function rawPost(base: string, path: string, token: string, body: string): Promise<{ status: number; bytes: number; json: Record<string, unknown> }> {
  const res = await fetch(base + path, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-ndjson" }, body });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) as Record<string, unknown> };
}

describe("intake: replies stay small whatever a producer sends", () => {
  const pool = harnessPool();

  it("counts rejections instead of echoing each one: a 200 KB body of invalid lines gets a reply of a few KB", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "s");
    const body = Array.from({ length: 10_000 }, (_, i) => `invalid line number ${String(i).padStart(5, "0")}`).join("\n"); // ~300 KB
    const r = await rawPost(h.base, "/events/s", token, body);
    expect(r.status).toBe(422);
    expect(r.bytes).toBeLessThan(32 * 1024);
    expect(r.json.rejected_count).toBe(10_000);
    expect(r.json.rejected).toHaveLength(100);
    expect(r.json.error).toMatch(/^10000 of 10000 events were rejected; first: line 1 is not JSON/);
    // every one of them is a dead letter all the same
    expect((await call(h.base, "GET", "/admin/dlq?limit=1", { token: ADMIN })).body.total).toBe(10_000);
  });

  it("refuses more than 10,000 events in one request with 413 and stores none of them", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "s");
    const batch = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ({ summary: `e${i}` })));
    const r = await call(h.base, "POST", "/events/s", { token, raw: batch });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ limit: 10_000 });
    const c = await call(h.base, "GET", "/admin/counters", { token: ADMIN });
    expect(c.body).toMatchObject({ accepted: 0, rejected: 0, dlq_size: 0 });
  });

  it("caps a queue page at 1 MiB of events (at least one), paging on with `next`", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "s");
    const big = "x".repeat(300 * 1024);
    for (let i = 0; i < 8; i++) expect((await call(h.base, "POST", "/events/s", { token, body: { summary: `big ${i}`, payload: big } })).status).toBe(202);
    const seen: number[] = [];
    for (let after = 0, pages = 0; pages < 10; pages++) {
      const res = await fetch(`${h.base}/queue?after=${after}&limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
      const text = await res.text();
      const page = JSON.parse(text) as { events: { offset: number }[]; next: number };
      if (page.events.length === 0) break;
      expect(Buffer.byteLength(text)).toBeLessThan(1.1 * 1024 * 1024);
      expect(page.events.length).toBeGreaterThan(0);
      seen.push(...page.events.map((e) => e.offset));
      after = page.next;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
