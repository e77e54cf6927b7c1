import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalJson, emptyStateFile, MeshState, parseStateText, renderState, type JsonObject } from "../../src/state/index.js";
import { resource, stateWith } from "./conformance.js";

describe("state model and rendering", () => {
  it("renders deterministically: resource order and key order do not change the content key", () => {
    const base = emptyStateFile();
    const a = { ...resource("instance.a"), inputs: { z: 1, a: { y: 2, b: 3 } } };
    const b = { ...resource("instance.b"), inputs: { a: { b: 3, y: 2 }, z: 1 } };
    const r1 = renderState(stateWith(base, a, b));
    const r2 = renderState(stateWith(base, { ...b, address: "instance.b" }, { ...a, inputs: { a: { b: 3, y: 2 }, z: 1 } }));
    expect(r1.contentKey).toBe(r2.contentKey);
    expect(renderState(stateWith(base, a)).contentKey).not.toBe(r1.contentKey);
    // the serial and meshroom version are not content
    expect(r1.text(1, "0.1.0")).not.toBe(r1.text(2, "0.2.0"));
  });

  it("renders a document that parses back to the same state", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { maxLength: 6 }), fc.dictionary(fc.string(), json), (names, rawInputs) => {
        const inputs = rawInputs as JsonObject;
        const state = stateWith(emptyStateFile(), ...names.map((n) => ({ ...resource(`instance.${n}`), inputs })));
        const parsed = parseStateText(renderState(state).text(3, "9.9.9"), "mem");
        expect(parsed.serial).toBe(3);
        expect(canonicalJson(parsed.resources)).toBe(canonicalJson([...state.resources].sort((x, y) => (x.address < y.address ? -1 : 1))));
      }),
      { numRuns: 300 },
    );
  });

  it("MeshState indexes resources by address and snapshots sorted", () => {
    const s = MeshState.empty();
    expect(s.serial).toBe(0);
    s.set(resource("plug.a.b.t.push"));
    s.set(resource("instance.b"));
    s.set(resource("instance.a"));
    expect(s.size).toBe(3);
    expect(s.toFile().resources.map((r) => r.address)).toEqual(["instance.a", "instance.b", "plug.a.b.t.push"]);
    const pending = s.patch("instance.a", { status: "pending", pending_step: { id: "x", title: "t", action: "setup", started: "now" } });
    expect(pending.status).toBe("pending");
    const cleared = s.patch("instance.a", { status: "ready", pending_step: undefined });
    expect("pending_step" in cleared).toBe(false);
    expect(() => {
      (s.get("instance.a") as { status: string }).status = "tainted";
    }).toThrow(TypeError);
    expect(s.delete("instance.b")).toBe(true);
    expect(s.has("instance.b")).toBe(false);
    expect(() => s.patch("instance.zzz", {})).toThrow(/no resource/);
    const back = MeshState.fromFile({ ...s.toFile(), serial: 4 });
    expect(back.serial).toBe(4);
    expect(back.lineage).toBe(s.lineage);
  });
});
