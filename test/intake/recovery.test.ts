import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, call, createSource, harnessPool, startHarness, type Harness } from "./helpers.js";

describe("intake recovery", () => {
  const pool = harnessPool();

  async function fresh(): Promise<{ h: Harness; token: string }> {
    const h = await pool.start();
    return { h, token: await createSource(h.base, "web") };
  }

  async function restart(h: Harness): Promise<Harness> {
    await pool.stop(h);
    return pool.start({ root: h.root });
  }

  it("keeps sources, events, dead letters and counters across a restart and continues the offsets", async () => {
    const { h, token } = await fresh();
    await call(h.base, "POST", "/events/web", { token, body: [{ summary: "a" }, { summary: "b" }] });
    await call(h.base, "POST", "/events/web", { token, raw: "nope" });
    const h2 = await restart(h);
    const next = await call(h2.base, "POST", "/events/web", { token, body: { summary: "c" } });
    expect(next.body.offsets).toEqual([3]);
    const c = await call(h2.base, "GET", "/admin/counters", { token: ADMIN });
    expect(c.body).toMatchObject({ accepted: 3, rejected: 1, dlq_size: 1 });
  });

  it("cuts a torn last line (a crash mid-write) and loses nothing that was acknowledged", async () => {
    const { h, token } = await fresh();
    const acked = await call(h.base, "POST", "/events/web", { token, body: [{ summary: "a" }, { summary: "b" }] });
    await pool.stop(h);
    const spool = join(h.dir, "spool.jsonl");
    await appendFile(spool, '{"offset":3,"source":"web","summ');
    await appendFile(join(h.dir, "dlq.jsonl"), '{"id":"x","sou');
    const h2 = await pool.start({ root: h.root });
    expect(h2.server.recoveredBytes).toBeGreaterThan(0);
    const q = await call(h2.base, "GET", "/queue?after=0", { token });
    expect((q.body.events as { offset: number }[]).map((e) => e.offset)).toEqual(acked.body.offsets);
    const text = await readFile(spool, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("summ\n");
    const again = await call(h2.base, "POST", "/events/web", { token, body: { summary: "c" } });
    expect(again.body.offsets).toEqual([3]);
  });

  it("refuses to start on a spool damaged in the middle, naming the line", async () => {
    const { h, token } = await fresh();
    await call(h.base, "POST", "/events/web", { token, body: [{ summary: "a" }, { summary: "b" }] });
    await pool.stop(h);
    const spool = join(h.dir, "spool.jsonl");
    const lines = (await readFile(spool, "utf8")).split("\n");
    lines[0] = "{broken";
    await writeFile(spool, lines.join("\n"));
    await expect(startHarness({ root: h.root })).rejects.toThrow(/spool\.jsonl:1: the line is not JSON/);
    // and the failed start left the directory unlocked
    await writeFile(spool, "");
    await pool.start({ root: h.root });
  });
});
