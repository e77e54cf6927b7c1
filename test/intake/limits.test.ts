import { describe, expect, it } from "vitest";
import { splitBody } from "../../src/intake/body.js";
import { shapeProblem } from "../../src/intake/limits.js";

describe("shapeProblem", () => {
  it("accepts ordinary events and refuses too deep or too big ones, without recursion", () => {
    expect(shapeProblem({ summary: "s", payload: { a: [1, 2, { b: null }] } })).toBeUndefined();
    expect(shapeProblem("text")).toBeUndefined();
    const deep = JSON.parse("[".repeat(200_000) + "]".repeat(200_000)) as unknown;
    expect(shapeProblem(deep)).toMatch(/nested deeper than 64 levels/);
    const at64 = JSON.parse('{"a":'.repeat(63) + "{}" + "}".repeat(63)) as unknown;
    expect(shapeProblem(at64)).toBeUndefined();
    expect(shapeProblem({ a: Array.from({ length: 10_001 }, () => 0) })).toMatch(/more than 10000 keys and array elements/);
  });
});

describe("splitBody limits", () => {
  it("counts events before parsing: over the limit nothing is parsed, blank lines do not count", () => {
    expect(splitBody(Buffer.from("x\n".repeat(11)), "application/x-ndjson", 10)).toEqual({ ok: false, count: 11 });
    const ok = splitBody(Buffer.from("x\n\n  \r\n".repeat(10)), "application/x-ndjson", 10);
    expect(ok.ok && ok.items.length).toBe(10);
    expect(splitBody(Buffer.from(JSON.stringify(Array.from({ length: 11 }, () => ({ summary: "s" })))), undefined, 10)).toEqual({ ok: false, count: 11 });
  });

  it("turns a too-deep line or array item into a failed item with a bounded raw text", () => {
    const deepLine = '{"summary":"s","payload":' + '{"a":'.repeat(5000) + "1" + "}".repeat(5001);
    const nd = splitBody(Buffer.from(`{"summary":"fine"}\n${deepLine}\n`), "application/x-ndjson");
    expect(nd.ok && nd.items[0]?.ok).toBe(true);
    const bad = nd.ok ? nd.items[1] : undefined;
    expect(bad).toMatchObject({ ok: false, rawTruncated: true, reason: expect.stringMatching(/^line 2: the event is nested deeper than 64 levels \(raw cut/) });
    expect(bad?.raw.length).toBe(4096);
    const arr = splitBody(Buffer.from(`[{"summary":"fine"},${deepLine}]`), "application/json");
    expect(arr.ok && arr.items[1]).toMatchObject({ ok: false, raw: "", reason: expect.stringMatching(/^item 1: the event is nested deeper/) });
  });
});
