// Delivery is at-least-once: a producer that did not hear the reply retries. With an
// `Idempotency-Key` the retry gets the first reply again and nothing is stored twice — across a
// restart, after a crash between storing and replying, and for concurrent retries.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { call, createSource, harnessPool, type Harness } from "./helpers.js";

async function post(h: Harness, token: string, key: string | undefined, body: unknown, source = "web"): Promise<{ status: number; replayed: boolean; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  if (key !== undefined) headers["Idempotency-Key"] = key;
  const res = await fetch(`${h.base}/events/${source}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed") === "true", body: (await res.json()) as Record<string, unknown> };
}

async function queued(h: Harness, token: string): Promise<{ offset: number; summary: string; idempotency_key?: string }[]> {
  const q = await call(h.base, "GET", "/queue?after=0&limit=1000", { token });
  return q.body.events as { offset: number; summary: string; idempotency_key?: string }[];
}

describe("intake idempotency keys", () => {
  const pool = harnessPool();
  const batch = [{ summary: "login failed" }, { summary: "login ok" }];

  it("a retry after a restart returns the first reply and stores nothing again", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    const first = await post(h, token, "req-0001", batch);
    expect(first).toMatchObject({ status: 202, replayed: false, body: { accepted: 2, offsets: [1, 2] } });
    await pool.stop(h);
    const h2 = await pool.start({ root: h.root });
    const retry = await post(h2, token, "req-0001", batch);
    expect(retry).toMatchObject({ status: 202, replayed: true, body: first.body });
    const events = await queued(h2, token);
    expect(events.map((e) => e.summary)).toEqual(["login failed", "login ok"]);
    expect(events[0]?.idempotency_key).toBe("req-0001");
    // a new key is a new request
    expect((await post(h2, token, "req-0002", batch)).body.offsets).toEqual([3, 4]);
  });

  it("recognises a request stored just before a crash, before its reply was recorded", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    const first = await post(h, token, "crash-key", batch);
    await pool.stop(h);
    await rm(join(h.dir, "idempotency.jsonl")); // as if killed between the spool's fsync and the reply's
    const h2 = await pool.start({ root: h.root });
    const retry = await post(h2, token, "crash-key", batch);
    expect(retry).toMatchObject({ status: 202, replayed: true, body: { accepted: 2, offsets: first.body.offsets } });
    expect(await queued(h2, token)).toHaveLength(2);
  });

  it("concurrent posts with one key store the events once and all get the same reply", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    const replies = await Promise.all(Array.from({ length: 8 }, () => post(h, token, "same-key", batch)));
    for (const r of replies) expect(r).toMatchObject({ status: 202, body: { offsets: [1, 2] } });
    expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await queued(h, token)).toHaveLength(2);
  });

  it("replays a partly rejected reply too; refuses another body under a used key (409) and a malformed key (400)", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    const other = await createSource(h.base, "app");
    const mixed = [{ summary: "fine" }, { nosummary: true }];
    const first = await post(h, token, "k-mixed", mixed);
    expect(first.status).toBe(422);
    const retry = await post(h, token, "k-mixed", mixed);
    expect(retry).toMatchObject({ status: 422, replayed: true, body: first.body });
    const dlq = await call(h.base, "GET", "/admin/dlq", { token: "test-admin-token-0123456789abcdef" });
    expect(dlq.body.total).toBe(1);
    const changed = await post(h, token, "k-mixed", [{ summary: "something else" }]);
    expect(changed.status).toBe(409);
    expect(String(changed.body.error)).toMatch(/different request body/);
    // keys are per source
    expect((await post(h, other, "k-mixed", [{ summary: "from app" }], "app")).status).toBe(202);
    expect((await post(h, token, "bad key with spaces", batch)).status).toBe(400);
    expect(await queued(h, token)).toHaveLength(1);
  });

  it("without a key, a retry is stored again (at-least-once)", async () => {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    await post(h, token, undefined, batch);
    await post(h, token, undefined, batch);
    expect(await queued(h, token)).toHaveLength(4);
  });
});

describe("IdempotencyTable memory bound", () => {
  it("forgets replies past the byte budget (oldest first) and past the window, also on reopen", async () => {
    const { IdempotencyTable } = await import("../../src/intake/idempotency.js");
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const root = await mkdtemp(join(tmpdir(), "meshroom-idem-"));
    try {
      const path = join(root, "idempotency.jsonl");
      const t = await IdempotencyTable.open(path, new Map(), { maxBytes: 2000 });
      let stored = 0;
      const work = async () => ({ status: 202, body: { accepted: 1, offsets: [++stored] } });
      for (let i = 0; i < 100; i++) await t.run("web", `key-${i}`, "fp", work);
      expect(t.size).toBeLessThan(30);
      // the journal on disk is compacted too
      const { stat } = await import("node:fs/promises");
      expect((await stat(path)).size).toBeLessThanOrEqual(4 * 2000 + 200);
      // the newest is still known, the oldest forgotten
      expect((await t.run("web", "key-99", "fp", work)).kind).toBe("replayed");
      expect((await t.run("web", "key-0", "fp", work)).kind).toBe("fresh");
      await t.close();
      const later = await IdempotencyTable.open(path, new Map(), { windowMs: 1000, now: Date.now() + 5000 });
      expect(later.size).toBe(0);
      await later.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
