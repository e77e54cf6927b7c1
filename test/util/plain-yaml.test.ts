import fc from "fast-check";
import { parse, parseDocument, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { plainYaml } from "../../src/util/plain-yaml.js";

/** What JSON (and so YAML) keeps of a value: -0 is written as 0. */
const normalized = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? 0 : x)));

/** Strings that YAML readers are known to take for something else when written plain. */
const TRICKY = [
  "", " ", "true", "False", "NULL", "~", "yes", "No", "on", "OFF", "y", "N", "1", "-1", "1.5", "1e3", "0x1F", "0o17", ".inf", "-.Inf",
  ".nan", "NaN", "12:30", "a: b", "a #b", "#x", "- x", "? x", "[x]", "{x}", "*ref", "&anchor", "!tag", "|", ">", "'q'", '"q"', "%x", "@x",
  "`x`", "E0", "e-3", "E+12", "x\ny", "tab\there", "trailing ", " leading", "https://a.example/path?q=1", "C:\\dir", "日本語", "é", "\u2028", "a,b", "<<",
  "=", "2001-12-14", "0777", "+1", "x:", "key:value", "a/b", "a.b", "_x", "__proto__",
];

describe("plainYaml", () => {
  it("writes block style that reads the same way back, as the yaml package itself writes it", () => {
    const plug = {
      topic: "events", mode: "push", kind: "data", owner: "intake",
      dst_integration: { product: "intake", target: "webhook_source", topic: "events", role: "consumer", mode: "push", explicit: false },
      settings: { src: {}, dst: { index: "main", url: "https://a.example/x", tags: ["a", "b"], limits: { max: 10, ratio: 0.5, none: null }, nested: [[1, 2], [], [{ x: 1, z: [true] }]] } },
    };
    const text = plainYaml(plug);
    expect(parse(text)).toEqual(plug);
    expect(text).toBe(stringify(plug));
    // where they differ, it is on purpose: "on" and "y" are booleans to a YAML 1.1 reader
    expect(plainYaml({ on: "y" })).toBe('"on": "y"\n');
    expect(stringify({ on: "y" })).toBe("on: y\n");
  });

  it("quotes every string a YAML reader could take for something else, and reads each back unchanged", () => {
    for (const s of TRICKY) {
      const value = { [s]: s, list: [s] };
      const text = plainYaml(value);
      expect(parse(text), JSON.stringify(s)).toEqual(value);
      expect(parse(text, { version: "1.1" }), `YAML 1.1: ${JSON.stringify(s)}`).toEqual(value);
    }
    expect(plainYaml({ a: "true", b: "1.5", c: "https://a.example" })).toBe('a: "true"\nb: "1.5"\nc: https://a.example\n');
  });

  it("round-trips thousands of generated documents through the yaml package (1.2 and 1.1)", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom(...TRICKY));
    const leaf = fc.oneof(fc.string(), fc.constantFrom(...TRICKY), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("tree"), { maxLength: 4 }),
      object: fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (doc) => {
        const text = plainYaml(doc);
        const read = parseDocument(text);
        expect(read.errors).toEqual([]);
        expect(read.toJS()).toEqual(normalized(doc));
        expect(parse(text, { version: "1.1" })).toEqual(normalized(doc));
      }),
      { numRuns: 3000 },
    );
  });

  it("writes NaN and infinities as YAML's .nan and .inf, an empty document as {}", () => {
    expect(parse(plainYaml({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY }))).toEqual({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY });
    expect(plainYaml({})).toBe("{}\n");
    expect(parse(plainYaml({ u: undefined, v: 1 }))).toEqual({ v: 1 });
    // undefined is left out as JSON leaves it out, also where it is a map's only value
    expect(parse(plainYaml({ only: { u: undefined }, list: [undefined] }))).toEqual({ only: {}, list: [null] });
    expect(plainYaml({ u: undefined })).toBe("{}\n");
  });
});
