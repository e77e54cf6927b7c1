import { describe, expect, it } from "vitest";
import { InstanceInputsSchema, PlugInputsSchema } from "../../src/synth/index.js";
import { isInstanceInputs, isPlugInputs } from "../../src/synth/inputs-check.js";

// The hand-written checks may refuse more than zod (zod then runs), never accept what zod would
// refuse or change: for every variant, "accepted" implies zod accepts it and returns an equal value.
const ref = { product: "siem", target: "edr", topic: "events", role: "consumer", mode: "push", explicit: false };
const plug = {
  src: "a", dst: "b", topic: "events", mode: "push", format: null, kind: "data", owner: "both",
  src_integration: { ...ref, role: "producer" }, dst_integration: ref, settings: { src: { x: 1 }, dst: {} },
};
const instance = { name: "a", product: "siem", settings: { port: 8514, tags: ["x", { y: null }] } };

const variants = <T extends Record<string, unknown>>(base: T, bad: Array<[string, unknown]>): unknown[] => {
  const out: unknown[] = [base, { ...base, extra: 1 }, Object.assign(Object.create(null), base), null, [], "x"];
  for (const k of Object.keys(base)) {
    const { [k]: _gone, ...rest } = base;
    out.push(rest, { ...base, [k]: undefined });
  }
  for (const [k, v] of bad) out.push({ ...base, [k]: v });
  return out;
};

function expectNoLooserThanZod(check: (v: unknown) => boolean, schema: typeof PlugInputsSchema | typeof InstanceInputsSchema, values: unknown[]): void {
  for (const v of values) {
    const z = schema.safeParse(v);
    if (check(v)) {
      expect(z.success, JSON.stringify(v)).toBe(true);
      expect(z.data).toEqual(v);
    }
  }
}

describe("hand-written checks of stored resource inputs", () => {
  it("accept the usual records", () => {
    expect(isPlugInputs(plug)).toBe(true);
    expect(isPlugInputs({ ...plug, format: "json", src_integration: null, dst_integration: { ...ref, format: "cef" } })).toBe(true);
    expect(isInstanceInputs(instance)).toBe(true);
  });

  it("never accept what zod would refuse or strip", () => {
    const refVariants = variants(ref, [["role", "boss"], ["mode", "both"], ["explicit", "no"], ["format", 3], ["product", 1]]);
    const plugValues = [
      ...variants(plug, [
        ["src", ""], ["dst", 1], ["topic", ""], ["mode", "sideways"], ["format", 1], ["kind", "x"], ["owner", ""],
        ["settings", { src: {} }], ["settings", { src: {}, dst: {}, x: {} }], ["settings", { src: [], dst: {} }],
        ["settings", { src: { n: Number.NaN }, dst: {} }], ["settings", { src: { d: new Date(0) }, dst: {} }],
      ]),
      ...refVariants.map((r) => ({ ...plug, src_integration: r })),
      ...refVariants.map((r) => ({ ...plug, dst_integration: r })),
    ];
    expectNoLooserThanZod(isPlugInputs, PlugInputsSchema, plugValues);
    // the plug itself, and on each side the unchanged reference and a null one
    expect(plugValues.filter(isPlugInputs)).toHaveLength(5);
    const instanceValues = variants(instance, [["name", ""], ["product", 2], ["settings", []], ["settings", { x: Number.POSITIVE_INFINITY }], ["settings", null]]);
    expectNoLooserThanZod(isInstanceInputs, InstanceInputsSchema, instanceValues);
    expect(instanceValues.filter(isInstanceInputs)).toHaveLength(1);
  });
});
