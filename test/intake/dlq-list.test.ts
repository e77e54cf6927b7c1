import { describe, expect, it } from "vitest";
import { listDeadLetters } from "../../src/intake/index.js";
import { meshroom } from "../cli/helpers.js";
import { ADMIN, call, createSource, harnessPool, type Harness } from "./helpers.js";

const strict = { type: "object", required: ["user"], properties: { user: { type: "string" } } };

describe("intake dlq", () => {
  const pool = harnessPool();

  /** Two sources: web with 3 dead letters, app with 1. */
  async function seeded(): Promise<{ h: Harness; ids: string[] }> {
    const h = await pool.start();
    const web = await createSource(h.base, "web", { schema: strict });
    const app = await createSource(h.base, "app", { schema: strict });
    const bad = await call(h.base, "POST", "/events/web", { token: web, body: [{ summary: "no user 1" }, { summary: "no user 2" }, { summary: "typed", user: 5 }] });
    expect(bad.status).toBe(422);
    expect((await call(h.base, "POST", "/events/app", { token: app, body: { summary: "app, no user" } })).status).toBe(422);
    return { h, ids: (bad.body.rejected as { dlq_id: string }[]).map((r) => r.dlq_id) };
  }

  it("asks the running server, oldest first, with a per-source total", async () => {
    const { h, ids } = await seeded();
    const env = { MESHROOM_INTAKE_ADMIN_TOKEN: ADMIN };
    const all = await listDeadLetters({ dir: h.dir, limit: 100, env });
    expect(all).toMatchObject({ via: "server", total: 4 });
    expect(all.entries.slice(0, 3).map((e) => e.id)).toEqual(ids);
    const web = await listDeadLetters({ dir: h.dir, source: "web", limit: 2, env });
    expect(web.total).toBe(3);
    expect(web.entries.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(web.entries[0]?.reason).toMatch(/user/);
  });

  it("reads a stopped server's directory offline, and refuses a source that never existed", async () => {
    const { h, ids } = await seeded();
    await pool.stop(h);
    const web = await listDeadLetters({ dir: h.dir, source: "web", limit: 100 });
    expect(web).toMatchObject({ via: "offline", total: 3 });
    expect(web.entries.map((e) => e.id)).toEqual(ids);
    await expect(listDeadLetters({ dir: h.dir, source: "nosuch", limit: 10 })).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    await expect(listDeadLetters({ dir: "/nonexistent/meshroom-intake", limit: 10 })).rejects.toMatchObject({ code: "E_NOT_FOUND" });
  });

  it("`meshroom intake dlq` prints a table through the server, and JSON offline", async () => {
    const { h, ids } = await seeded();
    const table = await meshroom(["intake", "dlq", "--dir", h.dir, "--source", "web"], { env: { MESHROOM_INTAKE_ADMIN_TOKEN: ADMIN } });
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SOURCE\s+RECEIVED\s+ATTEMPTS\s+REASON$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(ids);
    expect(lines[4]).toBe(`3 of 3 dead letters of source web (server). After fixing the source's schema: meshroom intake reprocess --dir ${h.dir}`);
    await pool.stop(h);
    const json = await meshroom(["intake", "dlq", "--dir", h.dir, "--json", "--limit", "1"]);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { via: string; total: number; entries: Array<{ id: string; raw: string }> };
    expect(r).toMatchObject({ via: "offline", total: 4 });
    expect(r.entries).toHaveLength(1);
    expect(JSON.parse(r.entries[0]!.raw)).toEqual({ summary: "no user 1" });
    const bad = await meshroom(["intake", "dlq", "--dir", h.dir, "--limit", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad value for --limit");
  });
});
