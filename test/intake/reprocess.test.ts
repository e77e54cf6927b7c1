import { describe, expect, it } from "vitest";
import { reprocessDir } from "../../src/intake/index.js";
import { ADMIN, call, createSource, harnessPool, startHarness, type Harness } from "./helpers.js";

const strict = { type: "object", required: ["user"], properties: { user: { type: "string" } } };
const loose = { type: "object", properties: { user: { type: "string" } } };

interface Env {
  offset: number;
  summary: string;
  tags: string[];
  reprocessed_from?: string;
}

async function queue(h: Harness, token: string): Promise<Env[]> {
  return (await call(h.base, "GET", "/queue?after=0&limit=1000", { token })).body.events as Env[];
}

describe("intake reprocess", () => {
  const pool = harnessPool();

  async function seeded(): Promise<{ h: Harness; token: string; ids: string[] }> {
    const h = await pool.start();
    const token = await createSource(h.base, "web", { schema: strict });
    const ok = await call(h.base, "POST", "/events/web", { token, body: { summary: "fine", user: "ann" } });
    expect(ok.status).toBe(202);
    const bad = await call(h.base, "POST", "/events/web", {
      token,
      body: [{ summary: "no user 1" }, { summary: "no user 2" }, { summary: "wrong type", user: 5 }],
    });
    expect(bad.status).toBe(422);
    const ids = (bad.body.rejected as { dlq_id: string }[]).map((r) => r.dlq_id);
    return { h, token, ids };
  }

  it("moves events fixed by a schema change to the queue via the admin API; the rest stay", async () => {
    const { h, token, ids } = await seeded();
    const nothing = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: {} });
    expect(nothing.body).toMatchObject({ examined: 3, moved: 0, remaining: 3 });

    expect((await call(h.base, "PUT", "/admin/sources/web/schema", { token: ADMIN, body: loose })).status).toBe(200);
    const r = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: { source: "web" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ examined: 3, moved: 2, remaining: 1, offsets: [2, 3] });

    const q = await queue(h, token);
    expect(q.map((e) => e.summary)).toEqual(["fine", "no user 1", "no user 2"]);
    expect(q[1]?.reprocessed_from).toBe(ids[0]);
    expect(q[1]?.tags).toContain("reprocessed");
    const dlq = await call(h.base, "GET", "/admin/dlq", { token: ADMIN });
    const left = dlq.body.entries as { id: string; attempts: number; reason: string }[];
    expect(left.map((e) => e.id)).toEqual([ids[2]]);
    expect(left[0]?.attempts).toBe(2);
    expect(left[0]?.reason).toMatch(/user must be string/);

    const again = await call(h.base, "POST", "/admin/reprocess", { token: ADMIN, body: {} });
    expect(again.body).toMatchObject({ examined: 1, moved: 0, remaining: 1 });
    expect(await queue(h, token)).toHaveLength(3);
    const counters = await call(h.base, "GET", "/admin/counters", { token: ADMIN });
    expect(counters.body).toMatchObject({ accepted: 3, rejected: 3, reprocessed: 2, dlq_size: 1 });
  });

  it("reprocessDir asks the running server when one owns the directory", async () => {
    const { h } = await seeded();
    await call(h.base, "PUT", "/admin/sources/web/schema", { token: ADMIN, body: null });
    const r = await reprocessDir({ dir: h.dir, env: { MESHROOM_INTAKE_ADMIN_TOKEN: ADMIN } });
    expect(r).toMatchObject({ via: "server", examined: 3, moved: 3, remaining: 0 });
  });

  it("reprocessDir works offline on a stopped server's directory, and the restarted server serves the result", async () => {
    const { h, token } = await seeded();
    await call(h.base, "PUT", "/admin/sources/web/schema", { token: ADMIN, body: loose });
    await pool.stop(h);
    const r = await reprocessDir({ dir: h.dir });
    expect(r).toMatchObject({ via: "offline", examined: 3, moved: 2, remaining: 1 });
    const h2 = await pool.start({ root: h.root });
    expect((await queue(h2, token)).map((e) => e.offset)).toEqual([1, 2, 3]);
    expect((await call(h2.base, "GET", "/admin/dlq", { token: ADMIN })).body.total).toBe(1);
  });

  it("refuses an unknown directory and a second server on the same directory", async () => {
    await expect(reprocessDir({ dir: "/nonexistent/meshroom-intake" })).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    const { h } = await seeded();
    await expect(startHarness({ root: h.root })).rejects.toMatchObject({ code: "E_STATE_LOCKED" });
  });
});
