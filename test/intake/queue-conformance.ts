/**
 * The conformance suite every intake queue kind passes (the data-directory files now; a
 * JetStream kind later). Usage, in a `*.test.ts` file:
 *   queueConformance("file", async () => ({ queue, reopen, cleanup }));
 * `reopen` closes nothing itself: the suite closes `queue` first, then asks for a new handle on
 * the same storage (as a restarted server would get). Only `IntakeQueue` is used.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isMeshroomError, type ErrorCode } from "../../src/errors/index.js";
import type { BodyItem } from "../../src/intake/body.js";
import type { EventEnvelope, IntakeQueue } from "../../src/intake/index.js";

export interface QueueUnderTest {
  queue: IntakeQueue;
  /** A new handle on the same storage, opened after the suite closed `queue`. */
  reopen: () => Promise<IntakeQueue>;
  cleanup: () => Promise<void>;
}

const META = { receivedAt: new Date("2026-01-02T03:04:05.000Z"), remoteAddress: "192.0.2.7" };

/** Body items as the HTTP layer hands them over: a JSON value is valid JSON text. */
export function items(...values: unknown[]): BodyItem[] {
  return values.map((value) => ({ ok: true as const, value, raw: JSON.stringify(value) }));
}

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(isMeshroomError(caught) ? caught.code : String(caught)).toBe(code);
}

export function queueConformance(name: string, make: () => Promise<QueueUnderTest>): void {
  describe(`intake queue conformance: ${name}`, () => {
    let current: QueueUnderTest | undefined;
    let open: IntakeQueue | undefined;
    const start = async (): Promise<IntakeQueue> => {
      current = await make();
      return (open = current.queue);
    };
    const restart = async (): Promise<IntakeQueue> => {
      await open?.close();
      open = undefined;
      return (open = await current!.reopen());
    };
    afterEach(async () => {
      await open?.close();
      await current?.cleanup();
      current = open = undefined;
    });

    it("keeps sources with token hashes only, authenticates them, and refuses duplicates", async () => {
      const q = await start();
      const token = await q.sources.create({ name: "fw", kind: "producer" });
      const reader = await q.sources.create({ name: "siem", kind: "consumer" });
      expect(token).not.toBe(reader);
      const rec = q.sources.get("fw");
      expect(rec).toMatchObject({ name: "fw", kind: "producer" });
      expect(JSON.stringify(rec)).not.toContain(token);
      expect(rec?.token_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(q.sources.authenticate("fw", token)?.name).toBe("fw");
      expect(q.sources.authenticate("fw", reader)).toBeUndefined();
      expect(q.sources.authenticate("nope", token)).toBeUndefined();
      expect(q.sources.authenticateAny(reader)?.name).toBe("siem");
      expect(q.sources.authenticateAny("not-a-token")).toBeUndefined();
      expect(q.sources.list().map((s) => [s.name, s.kind, s.has_schema])).toEqual([["fw", "producer", false], ["siem", "consumer", false]]);
      await expectCode(q.sources.create({ name: "fw", kind: "producer" }), "E_EXISTS");
      await expectCode(q.sources.setSchema("fw", { type: "no-such-type" }), "E_BAD_VALUE");
      await q.sources.setSchema("fw", { type: "object", required: ["n"] });
      expect(q.sources.get("fw")?.schema).toEqual({ type: "object", required: ["n"] });
      await q.sources.remove("siem");
      await expectCode(q.sources.remove("siem"), "E_NOT_FOUND");
      expect(q.sources.authenticateAny(reader)).toBeUndefined();

      const again = await restart();
      expect(again.sources.list().map((s) => [s.name, s.has_schema])).toEqual([["fw", true]]);
      expect(again.sources.authenticate("fw", token)?.name).toBe("fw");
    });

    it("lets a connection skip re-hashing the token it already showed, never past a revocation or to another token or source", async () => {
      const q = await start();
      const token = await q.sources.create({ name: "fw", kind: "producer" });
      await q.sources.create({ name: "ids", kind: "producer" });
      const conn = {};
      expect(q.sources.authenticate("fw", token, conn)?.name).toBe("fw");
      expect(q.sources.authenticate("fw", token, conn)?.name).toBe("fw");
      expect(q.sources.authenticate("fw", `${token}x`, conn)).toBeUndefined();
      expect(q.sources.authenticate("ids", token, conn)).toBeUndefined();
      expect(q.sources.authenticate("fw", token, conn)?.name).toBe("fw");
      await q.sources.remove("fw");
      expect(q.sources.authenticate("fw", token, conn)).toBeUndefined();
      const again = await q.sources.create({ name: "fw", kind: "producer" });
      expect(q.sources.authenticate("fw", token, conn)).toBeUndefined();
      expect(q.sources.authenticate("fw", again, conn)?.name).toBe("fw");
      expect(q.sources.authenticate("fw", token, {})).toBeUndefined();
    });

    it("appends events with increasing offsets and reads them back a page at a time by offset", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      await q.sources.create({ name: "b", kind: "producer" });
      const r1 = await q.ingest("a", items({ summary: "a1" }, { summary: "a2" }), META);
      const r2 = await q.ingest("b", items({ summary: "b1" }), META);
      const r3 = await q.ingest("a", items({ summary: "a3" }, { summary: "a4", tags: ["x"] }), { ...META, idempotencyKey: "k-1" });
      expect([r1, r2, r3].map((r) => [r.accepted, r.rejectedCount])).toEqual([[2, 0], [1, 0], [2, 0]]);
      const offsets = [...r1.offsets, ...r2.offsets, ...r3.offsets];
      expect(offsets).toHaveLength(5);
      for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1] as number);
      expect((await q.spool.stats()).count).toBe(5);
      expect((await q.spool.stats()).last).toBe(offsets[4]);

      const p1 = await q.spool.read({ after: 0, limit: 2 });
      expect(p1.events.map((e) => e.summary)).toEqual(["a1", "a2"]);
      expect(p1.events.map((e) => e.offset)).toEqual(offsets.slice(0, 2));
      expect(p1.next).toBe(offsets[1]);
      expect(p1.last).toBe(offsets[4]);
      const p2 = await q.spool.read({ after: p1.next, limit: 10 });
      expect(p2.events.map((e) => e.summary)).toEqual(["b1", "a3", "a4"]);
      expect(p2.next).toBe(offsets[4]);
      const end = await q.spool.read({ after: p2.next, limit: 10 });
      expect(end.events).toEqual([]);
      expect(end.next).toBe(offsets[4]);

      const a4 = p2.events[2] as EventEnvelope;
      expect(a4).toMatchObject({ source: "a", hostname: "192.0.2.7", tags: ["x"], details: { summary: "a4", tags: ["x"] }, idempotency_key: "k-1" });
      const raw = await q.spool.readRaw({ after: p1.next, limit: 10 });
      expect(raw.count).toBe(3);
      expect(JSON.parse(`[${Buffer.concat(raw.json).toString("utf8")}]`)).toEqual(p2.events);
      expect([raw.next, raw.last]).toEqual([p2.next, p2.last]);

      const again = await restart();
      expect((await again.spool.read({ after: 0, limit: 10 })).events).toEqual([...p1.events, ...p2.events]);
      const more = await again.ingest("b", items({ summary: "b2" }), META);
      expect(more.offsets[0]).toBeGreaterThan(offsets[4] as number);
    });

    it("reads one source's events only, and moves past the others", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      await q.sources.create({ name: "b", kind: "producer" });
      await q.ingest("a", items({ summary: "a1" }), META);
      const b = await q.ingest("b", items({ summary: "b1" }, { summary: "b2" }), META);
      await q.ingest("a", items({ summary: "a2" }), META);
      const page = await q.spool.read({ after: 0, limit: 1, source: "b" });
      expect(page.events.map((e) => e.summary)).toEqual(["b1"]);
      expect(page.next).toBe(b.offsets[0]);
      const rest = await q.spool.read({ after: page.next, limit: 10, source: "b" });
      expect(rest.events.map((e) => e.summary)).toEqual(["b2"]);
      // nothing more of b: every event up to the last has been looked at
      expect(rest.next).toBe((await q.spool.stats()).last);
      const none = await q.spool.read({ after: 0, limit: 10, source: "nobody" });
      expect(none.events).toEqual([]);
      expect(none.next).toBe((await q.spool.stats()).last);
    });

    it("wakes a waiting reader when an event is appended", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      const last = (await q.spool.stats()).last;
      const waiting = q.spool.waitFor(last, 30_000);
      await q.ingest("a", items({ summary: "wake" }), META);
      await waiting;
      expect((await q.spool.stats()).last).toBeGreaterThan(last);
      const gone = new AbortController();
      const aborted = q.spool.waitFor((await q.spool.stats()).last, 30_000, gone.signal);
      gone.abort();
      await aborted;
    });

    it("dead-letters invalid events with why, lists and counts them per source", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      await q.sources.create({ name: "b", kind: "producer" });
      const bad: BodyItem = { ok: false, reason: "not JSON: Unexpected token", raw: "{oops" };
      const r = await q.ingest("a", [...items({ summary: "ok" }, 42), bad, ...items({ severity: "LOUD" })], META);
      expect(r.accepted).toBe(1);
      expect(r.rejectedCount).toBe(3);
      expect(r.rejected.map((x) => x.index)).toEqual([1, 2, 3]);
      expect(r.rejected[0]?.reason).toMatch(/JSON object/);
      await q.ingest("b", items("nope"), META);
      expect((await q.dlq.total())).toBe(4);
      expect([await q.dlq.total(), await q.dlq.total("a"), await q.dlq.total("b"), await q.dlq.total("c")]).toEqual([4, 3, 1, 0]);
      const listed = await q.dlq.list({ source: "a", limit: 10 });
      expect(listed.map((e) => [e.id, e.raw, e.reason])).toEqual(r.rejected.map((x, i) => [x.dlq_id, ["42", "{oops", '{"severity":"LOUD"}'][i], x.reason]));
      expect(listed[0]).toMatchObject({ source: "a", received_at: META.receivedAt.toISOString(), remote_address: "192.0.2.7", attempts: 0 });
      expect(await q.dlq.list({ limit: 2 })).toEqual(listed.slice(0, 2));
      expect(await q.dlq.list({ source: "c", limit: 10 })).toEqual([]);

      const again = await restart();
      expect(await again.dlq.list({ source: "a", limit: 10 })).toEqual(listed);
      expect(await again.dlq.total("b")).toBe(1);
    });

    it("reprocesses dead letters against the current schemas: fixed ones join the queue once", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer", schema: { type: "object", required: ["n"] } });
      await q.sources.create({ name: "b", kind: "producer", schema: { type: "object", required: ["n"] } });
      await q.sources.create({ name: "gone", kind: "producer" });
      const ra = await q.ingest("a", items({ summary: "a1" }, { summary: "a2", n: 1 }, 7), META);
      await q.ingest("b", items({ summary: "b1" }), META);
      await q.ingest("gone", items(8), META);
      await q.sources.remove("gone");
      expect(ra.rejected[0]?.reason).toMatch(/JSON schema/);
      expect((await q.dlq.total())).toBe(4);

      await q.sources.setSchema("a", null);
      const one = await q.reprocess({ source: "a" });
      expect(one).toMatchObject({ examined: 2, moved: 1, remaining: 3, orphaned: 0 }); // remaining: the whole DLQ
      expect(one.offsets).toHaveLength(1);
      const moved = await q.spool.read({ after: (one.offsets[0] as number) - 1, limit: 1 });
      expect(moved.events[0]).toMatchObject({ source: "a", summary: "a1", reprocessed_from: ra.rejected[0]?.dlq_id });
      const still = await q.dlq.list({ source: "a", limit: 10 });
      expect(still.map((e) => [e.raw, e.attempts])).toEqual([["7", 1]]);
      expect(await q.dlq.total("b")).toBe(1); // another source's dead letters stay

      const all = await q.reprocess();
      expect(all).toMatchObject({ examined: 3, moved: 0, remaining: 3, orphaned: 1 });
      await q.sources.setSchema("b", null);
      const fixed = await q.reprocess();
      expect(fixed).toMatchObject({ moved: 1, orphaned: 1 });
      const twice = await q.reprocess();
      expect(twice.moved).toBe(0);
      expect((await q.spool.stats()).count).toBe(3);

      const again = await restart();
      expect((await again.reprocess()).moved).toBe(0);
      expect((await again.spool.stats()).count).toBe(3);
      expect(await again.dlq.total()).toBe(2);
    });

    it("counts accepted, rejected, reprocessed and dead letters per source", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      await q.sources.create({ name: "b", kind: "producer", schema: { type: "object", required: ["n"] } });
      await q.ingest("a", items({ summary: "1" }, { summary: "2" }, 3), META);
      await q.ingest("b", items({ summary: "b" }), META);
      await q.sources.setSchema("b", null);
      await q.reprocess({ source: "b" });
      const want = {
        accepted: 3,
        rejected: 2,
        reprocessed: 1,
        dlq_size: 1,
        per_source: { a: { accepted: 2, rejected: 1, reprocessed: 0, dlq: 1 }, b: { accepted: 1, rejected: 1, reprocessed: 1, dlq: 0 } },
      };
      expect((await q.counterSnapshot())).toEqual(want);
      const again = await restart();
      expect((await again.counterSnapshot())).toEqual(want);
    });

    it("runs an idempotent post once and replays its reply", async () => {
      const q = await start();
      await q.sources.create({ name: "a", kind: "producer" });
      let runs = 0;
      const work = async () => {
        runs++;
        const r = await q.ingest("a", items({ summary: "once" }), { ...META, idempotencyKey: "key-1" });
        return { status: 202, body: { accepted: r.accepted, offsets: r.offsets } };
      };
      const first = await q.idempotency.run("a", "key-1", "fp-1", work);
      const second = await q.idempotency.run("a", "key-1", "fp-1", work);
      expect(first.kind).toBe("fresh");
      expect(second).toEqual({ kind: "replayed", reply: first.kind === "fresh" ? first.reply : undefined });
      expect((await q.idempotency.run("a", "key-1", "fp-2", work)).kind).toBe("conflict");
      expect(runs).toBe(1);
      expect((await q.spool.stats()).count).toBe(1);
      const again = await restart();
      const after = await again.idempotency.run("a", "key-1", "fp-1", work);
      expect(after.kind).toBe("replayed");
      expect((await again.spool.stats()).count).toBe(1);
    });
  });
}
