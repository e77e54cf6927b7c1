// Attack: a producer posts events nested 10,000 deep. Before the fix `JSON.stringify` threw
// inside the group-commit batch, so every request sharing that batch failed with 500 (another
// producer's included), and the deep event was neither stored nor dead-lettered.
import { describe, expect, it } from "vitest";
import { ADMIN, call, createSource, harnessPool } from "../intake/helpers.js";

const deep = (n: number): string => '{"a":'.repeat(n) + "1" + "}".repeat(n);

describe("intake: one producer's poison pill never fails another's request", () => {
  const pool = harnessPool();

  it("dead-letters events over the depth and key bounds with a reason, while a concurrent producer's requests all succeed", async () => {
    const h = await pool.start();
    const evil = await createSource(h.base, "evil");
    const good = await createSource(h.base, "good");
    const pill = `{"summary":"deep","payload":${deep(10_000)}}`;
    const wide = JSON.stringify({ summary: "wide", payload: Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i])) });

    const evilReplies: Promise<{ status: number; body: Record<string, unknown> }>[] = [];
    const goodReplies: Promise<{ status: number; body: Record<string, unknown> }>[] = [];
    for (let round = 0; round < 30; round++) {
      const kind = round % 3;
      const raw = kind === 0 ? pill : kind === 1 ? `{"summary":"ok"}\n${pill}` : `[{"summary":"ok"},${pill}]`;
      evilReplies.push(call(h.base, "POST", "/events/evil", { token: evil, raw, type: kind === 1 ? "application/x-ndjson" : "application/json" }));
      goodReplies.push(call(h.base, "POST", "/events/good", { token: good, body: [{ summary: `g${round}a` }, { summary: `g${round}b` }] }));
    }
    evilReplies.push(call(h.base, "POST", "/events/evil", { token: evil, raw: wide }));
    const goods = await Promise.all(goodReplies);
    expect(goods.map((r) => r.status)).toEqual(goods.map(() => 202));
    const evils = await Promise.all(evilReplies);
    expect(evils.map((r) => r.status)).toEqual(evils.map(() => 422));
    for (const r of evils.slice(0, 30)) expect(r.body.error).toMatch(/nested deeper than 64 levels/);
    expect(evils[30]?.body.error).toMatch(/more than 10000 keys and array elements/);

    // the good producer's events are all there, the evil one's valid neighbours too
    const q = await call(h.base, "GET", "/queue?after=0&limit=1000&source=good", { token: good });
    expect((q.body.events as unknown[]).length).toBe(60);
    const mine = await call(h.base, "GET", "/queue?after=0&limit=1000", { token: evil });
    expect((mine.body.events as { summary: string }[]).map((e) => e.summary)).toEqual(Array.from({ length: 20 }, () => "ok"));

    // the pills are dead letters with a reason and a bounded raw, and reprocess leaves them there
    const dlq = await call(h.base, "GET", "/admin/dlq?limit=1000&source=evil", { token: ADMIN });
    expect(dlq.body.total).toBe(31);
    const entries = dlq.body.entries as { reason: string; raw: string; raw_truncated?: boolean }[];
    expect(entries.filter((e) => /nested deeper than 64/.test(e.reason))).toHaveLength(30);
    for (const e of entries) expect(e.raw.length).toBeLessThanOrEqual(4096);
    expect(entries.every((e) => e.raw_truncated === true)).toBe(true);
    const rep = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: { source: "evil" } });
    expect(rep.body).toMatchObject({ examined: 31, moved: 0, remaining: 31 });
    expect((await call(h.base, "GET", "/health")).status).toBe(200);
  });
});
