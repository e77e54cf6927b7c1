import { describe, expect, it } from "vitest";
import { MAX_RESULT_DEPTH, toPlainJson } from "../../src/hooks/plain-json.js";

describe("toPlainJson", () => {
  it("copies plain data; toJSON applies; undefined properties are left out", () => {
    const when = new Date("2026-01-02T03:04:05.000Z");
    const src = { a: 1, b: ["x", null, true], c: { d: when }, e: undefined };
    const r = toPlainJson(src);
    expect(r).toEqual({ ok: true, value: { a: 1, b: ["x", null, true], c: { d: "2026-01-02T03:04:05.000Z" } } });
    if (r.ok) expect((r.value as { b: unknown }).b).not.toBe(src.b); // a copy
  });

  it("keeps shared (not circular) references as data", () => {
    const shared = { k: 1 };
    expect(toPlainJson({ a: shared, b: shared })).toEqual({ ok: true, value: { a: { k: 1 }, b: { k: 1 } } });
  });

  it("a __proto__ key stays data", () => {
    const r = toPlainJson(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.value as object)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const circular: Record<string, unknown> = { a: 1 };
  circular.self = { back: circular };
  const deep: Record<string, unknown> = {};
  let cur = deep;
  for (let i = 0; i < MAX_RESULT_DEPTH + 5; i++) cur = (cur.n = {}) as Record<string, unknown>;
  const cases: Array<[string, unknown, RegExp]> = [
    ["a cycle", { outputs: circular }, /circular reference at outputs\.self\.back/],
    ["a throwing getter", { outputs: { get t(): string { throw new Error("sealed"); } } }, /reading it threw: sealed/],
    ["a throwing toJSON", { outputs: { t: { toJSON() { throw new Error("no clock"); } } } }, /reading it threw: no clock/],
    ["a BigInt", { outputs: { id: 1n } }, /a BigInt .* at outputs\.id/],
    ["a function", { outputs: { f: () => 1 } }, /a function at outputs\.f/],
    ["a symbol", { outputs: { s: Symbol("x") } }, /a symbol at outputs\.s/],
    ["NaN", { outputs: { n: NaN } }, /NaN \(not a finite number\) at outputs\.n/],
    ["Infinity", { outputs: { n: [1, Infinity] } }, /Infinity .* at outputs\.n\[1\]/],
    ["undefined in an array", { outputs: { l: [undefined] } }, /undefined at outputs\.l\[0\]/],
    ["a Map", { outputs: { m: new Map() } }, /a Map/],
    ["a Promise", { outputs: { p: Promise.resolve(1) } }, /a Promise/],
    ["too deep a value", deep, /nesting deeper than/],
  ];
  for (const [what, value, problem] of cases) {
    it(`refuses ${what}, saying where`, () => {
      const r = toPlainJson(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(problem);
    });
  }
});
