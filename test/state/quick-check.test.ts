import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MeshState, emptyStateFile, parseStateText, parseStateValue, renderState, StateFileSchema, type StateResource } from "../../src/state/index.js";
import { looksLikeResources } from "../../src/state/quick-check.js";
import { resource } from "./conformance.js";

const full: StateResource = {
  ...resource("plug.a.b.events.push"),
  status: "pending",
  inputs: { src: "a", nested: { list: [1, "x", null] } },
  outputs: { id: "o" },
  secret_hmacs: { token: "hmac" },
  steps_done: [{ id: "plug.a.b.events.push/src/setup/h", title: "t", side: "src", outputs: { k: 1 } }, { id: "s2", title: "", outputs: {} }],
  pending_step: { id: "p", title: "t", side: "dst", action: "setup", started: "2024-01-01T00:00:00.000Z" },
  dependencies: ["instance.a", "instance.b"],
};

/** Values a resource field (or a key) may be broken into. */
const junk = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.constant(""), fc.constant("x"), fc.constant(3), fc.constant(true),
  fc.constant([]), fc.constant({}), fc.constant(["x"]), fc.constant([1]), fc.constant({ a: 1 }), fc.constant("setup"), fc.constant("ready"),
);

/** Sets `path` in a deep copy of `value` to `v` (or deletes it when `del`). */
function mutate(value: unknown, path: Array<string | number>, v: unknown, del: boolean): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (del) delete at[last];
  else at[last] = v;
  return copy;
}

const PATHS: Array<Array<string | number>> = [
  ...Object.keys(full).map((k) => [k]),
  ["extra"], ["steps_done", 0, "id"], ["steps_done", 0, "title"], ["steps_done", 0, "side"], ["steps_done", 0, "outputs"], ["steps_done", 0, "more"],
  ["steps_done", 1], ["pending_step", "id"], ["pending_step", "action"], ["pending_step", "started"], ["pending_step", "side"], ["pending_step", "x"],
  ["secret_hmacs", "token"], ["dependencies", 0], ["inputs", "src"],
];

describe("the quick state check", () => {
  it("never accepts a resource list zod refuses, and accepts the valid ones", () => {
    expect(looksLikeResources([full, resource("instance.a")])).toBe(true);
    const schema = StateFileSchema.shape.resources;
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), junk, fc.boolean(), (path, v, del) => {
        const list = [resource("instance.a"), mutate(full, path, v, del)];
        if (looksLikeResources(list)) expect(schema.safeParse(list).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves error messages to zod: a broken resource is reported as before", () => {
    const good = { ...emptyStateFile(), resources: [full] };
    expect(parseStateValue(JSON.parse(JSON.stringify(good)), "mem").resources).toEqual([full]);
    const bad = { ...good, resources: [{ ...full, status: "weird" }] };
    expect(() => parseStateValue(bad, "mem")).toThrow(/resources\.0\.status/);
    const badHead = { ...good, lineage: "not-a-uuid" };
    expect(() => parseStateValue(badHead, "mem")).toThrow(/lineage/);
  });

  it("reads back what it writes, through the cached per-resource rendering", () => {
    const s = MeshState.empty();
    s.set(structuredClone(full));
    s.set(resource("instance.a"));
    const first = renderState(s.toFile());
    s.patch("plug.a.b.events.push", { status: "ready", pending_step: undefined });
    const second = renderState(s.toFile());
    expect(first.sameContent(second)).toBe(false);
    expect(second.sameContent(renderState(s.toFile()))).toBe(true);
    const parsed = parseStateText(second.text(2, "x"), "mem");
    expect(parsed.resources.map((r) => [r.address, r.status, r.pending_step])).toEqual([
      ["instance.a", "ready", undefined],
      ["plug.a.b.events.push", "ready", undefined],
    ]);
    expect(second.bytes(2, "x").toString("utf8")).toBe(second.text(2, "x"));
  });
});
