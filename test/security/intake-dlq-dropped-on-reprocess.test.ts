// Attack: a 260 KB NDJSON body of 130,000 invalid lines. Before the fix the DLQ appended them
// with `push(...batch)` (stack overflow: 500), so they were fsync'd to dlq.jsonl but not in
// memory, and the next reprocess rewrote the file from memory: every one was silently dropped.
// The valid lines of the same request were stored although the client was told 500.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, call, createSource, harnessPool } from "../intake/helpers.js";

async function linesOnDisk(dir: string): Promise<number> {
  const text = await readFile(join(dir, "dlq.jsonl"), "utf8");
  return text === "" ? 0 : text.trimEnd().split("\n").length;
}

describe("intake: dead letters are never dropped, and a request's outcome is what the client is told", () => {
  const pool = harnessPool();

  it("answers a 130,000-line invalid body without a 500, stores nothing it did not report, and reprocess keeps every dead letter on disk", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "s");
    // a few dead letters from an ordinary request first
    const small = await call(h.base, "POST", "/events/s", { token, raw: "bad 1\nbad 2\nbad 3\n", type: "application/x-ndjson" });
    expect(small.status).toBe(422);

    const body = '{"summary":"valid 1"}\n{"summary":"valid 2"}\n' + "1\n".repeat(130_000);
    const r = await call(h.base, "POST", "/events/s", { token, raw: body, type: "application/x-ndjson" });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).not.toBe(500);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/130002 events in one request, over the limit of 10000: nothing was stored/);

    // refused means refused: the valid lines of that request are not in the queue
    const q = await call(h.base, "GET", "/queue?after=0&limit=1000", { token });
    expect(q.body.events).toEqual([]);

    // what the server reports is what is on disk, before and after a reprocess
    const dlq = await call(h.base, "GET", "/admin/dlq?limit=1", { token: ADMIN });
    expect(dlq.body.total).toBe(await linesOnDisk(h.dir));
    const rep = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: {} });
    expect(rep.status).toBe(200);
    expect(rep.body).toMatchObject({ examined: 3, moved: 0, remaining: 3 });
    expect(await linesOnDisk(h.dir)).toBe(3);
  });

  it("keeps tens of thousands of dead letters through reprocess and a restart, rewriting from the file", async () => {
    const h = await pool.start();
    const a = await createSource(h.base, "a");
    const b = await createSource(h.base, "b");
    const bad = (tag: string, n: number): string => Array.from({ length: n }, (_, i) => `not json ${tag} ${i}`).join("\n");
    const replies = await Promise.all([
      call(h.base, "POST", "/events/a", { token: a, raw: bad("a1", 10_000), type: "application/x-ndjson" }),
      call(h.base, "POST", "/events/a", { token: a, raw: bad("a2", 10_000), type: "application/x-ndjson" }),
      call(h.base, "POST", "/events/b", { token: b, raw: bad("b1", 10_000), type: "application/x-ndjson" }),
      call(h.base, "POST", "/events/b", { token: b, raw: '{"summary":"fixed later"}\n' + bad("b2", 9_999), type: "application/x-ndjson" }),
    ]);
    for (const r of replies) expect(r.status).toBe(422);
    expect(await linesOnDisk(h.dir)).toBe(39_999);

    const onlyA = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: { source: "a" } });
    expect(onlyA.body).toMatchObject({ examined: 20_000, moved: 0, remaining: 39_999 });
    expect(await linesOnDisk(h.dir)).toBe(39_999);

    await pool.stop(h);
    const h2 = await pool.start({ root: h.root });
    const listed = await call(h2.base, "GET", "/admin/dlq?limit=2&source=b", { token: ADMIN });
    expect(listed.body.total).toBe(19_999);
    expect((listed.body.entries as { raw: string; attempts: number }[]).map((e) => e.raw)).toEqual(["not json b1 0", "not json b1 1"]);
    const all = await call(h2.base, "POST", "/admin/reprocess", { token: ADMIN, body: {} });
    expect(all.body).toMatchObject({ examined: 39_999, moved: 0, remaining: 39_999 });
    const first = await call(h2.base, "GET", "/admin/dlq?limit=1&source=a", { token: ADMIN });
    expect((first.body.entries as { raw: string; attempts: number }[])[0]).toMatchObject({ raw: "not json a1 0", attempts: 2 });
    expect(await linesOnDisk(h2.dir)).toBe(39_999);
  });
});
