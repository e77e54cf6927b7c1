import { describe, expect, it } from "vitest";
import { plan, type PriorState } from "../../src/plan/index.js";
import type { StateResource } from "../../src/state/index.js";
import type { DesiredResource } from "../../src/synth/index.js";

function inst(name: string, settings: Record<string, number | string> = {}, secretRefs: string[] = []): DesiredResource {
  return { address: `instance.${name}`, type: "meshroom_instance", inputs: { name, product: "p", settings }, secretRefs, dependencies: [] };
}
function plug(src: string, dst: string, settings: Record<string, string> = {}): DesiredResource {
  return {
    address: `plug.${src}.${dst}.events.push`, type: "meshroom_plug",
    inputs: { src, dst, topic: "events", mode: "push", settings: { src: settings, dst: {} } },
    secretRefs: [], dependencies: [`instance.${dst}`, `instance.${src}`].sort(),
  };
}
function stateOf(desired: DesiredResource[], over: Partial<Record<string, Partial<StateResource>>> = {}): PriorState {
  return {
    lineage: "l", serial: 3,
    resources: desired.map((d) => ({
      address: d.address, type: d.type, status: "ready", inputs: d.inputs, outputs: {}, secret_hmacs: {}, steps_done: [], dependencies: d.dependencies,
      ...over[d.address],
    })),
  };
}
const EMPTY: PriorState = { lineage: null, serial: 0, resources: [] };
const actions = (p: ReturnType<typeof plan>) => Object.fromEntries(p.changes.map((c) => [c.address, [c.action, c.reason]]));

describe("plan", () => {
  const mesh = [inst("a"), inst("b"), plug("a", "b")];

  it("creates everything on an empty state, and nothing when state matches", () => {
    const p = plan(mesh, EMPTY);
    expect(p.summary).toEqual({ add: 3, change: 0, destroy: 0, noop: 0 });
    expect(p.changes.map((c) => c.address)).toEqual(["instance.a", "instance.b", "plug.a.b.events.push"]);
    const again = plan(mesh, stateOf(mesh));
    expect(again.changes).toEqual([]);
    expect(again.summary.noop).toBe(3);
    expect([again.lineage, again.serial]).toEqual(["l", 3]);
  });

  it("updates in place only with an update hook, else replaces; changed fields are listed", () => {
    const changed = [inst("a"), inst("b"), plug("a", "b", { index: "soc" })];
    const withHook = plan(changed, stateOf(mesh), { hasUpdateHook: () => true });
    expect(actions(withHook)).toEqual({ "plug.a.b.events.push": ["update", "update_because_inputs_changed"] });
    expect(withHook.changes[0]!.fields).toEqual([{ path: "settings.src.index", after: "soc", sensitive: false }]);
    expect(actions(plan(changed, stateOf(mesh)))).toEqual({ "plug.a.b.events.push": ["replace", "replace_because_cannot_update"] });
  });

  it("a replaced instance replaces its plugs; tainted, --replace and removed resources get their reasons", () => {
    const p = plan([inst("a", { port: 2 }), inst("b"), plug("a", "b")], stateOf(mesh));
    expect(actions(p)).toEqual({
      "instance.a": ["replace", "replace_because_cannot_update"],
      "plug.a.b.events.push": ["replace", "replace_because_instance_replaced"],
    });
    expect(p.summary).toEqual({ add: 2, change: 0, destroy: 2, noop: 1 });
    expect(actions(plan(mesh, stateOf(mesh, { "plug.a.b.events.push": { status: "tainted" } })))).toEqual({
      "plug.a.b.events.push": ["replace", "replace_because_tainted"],
    });
    expect(actions(plan(mesh, stateOf(mesh), { replaces: ["instance.b"] }))).toEqual({
      "instance.b": ["replace", "replace_by_request"],
      "plug.a.b.events.push": ["replace", "replace_because_instance_replaced"],
    });
    expect(actions(plan([inst("a"), inst("b")], stateOf(mesh)))).toEqual({ "plug.a.b.events.push": ["delete", "delete_because_removed"] });
  });

  it("an interrupted create resumes when its inputs did not change", () => {
    const p = plan(mesh, stateOf(mesh, { "plug.a.b.events.push": { status: "pending" } }));
    expect(actions(p)).toEqual({ "plug.a.b.events.push": ["create", "create_resume_interrupted"] });
  });

  it("secret HMACs are inputs: a changed secret is a sensitive change", () => {
    const withSecret = [inst("a", {}, ["API_KEY"]), inst("b"), plug("a", "b")];
    const prior = stateOf(withSecret, { "instance.a": { secret_hmacs: { API_KEY: "h1" } } });
    const same = plan(withSecret, prior, { secretHmacs: new Map([["instance.a", { API_KEY: "h1" }]]) });
    expect(same.changes).toEqual([]);
    const rotated = plan(withSecret, prior, { secretHmacs: new Map([["instance.a", { API_KEY: "h2" }]]) });
    const a = rotated.changes.find((c) => c.address === "instance.a")!;
    expect(a.action).toBe("replace");
    expect(a.fields).toEqual([{ path: "secrets.API_KEY", before: "h1", after: "h2", sensitive: true }]);
  });

  it("--target keeps dependencies, --exclude drops dependents, --destroy deletes all", () => {
    expect(Object.keys(actions(plan(mesh, EMPTY, { targets: ["plug.a.b.events.push"] })))).toHaveLength(3);
    expect(Object.keys(actions(plan(mesh, EMPTY, { targets: ["instance.a"] })))).toEqual(["instance.a"]);
    expect(Object.keys(actions(plan(mesh, EMPTY, { excludes: ["instance.a"] })))).toEqual(["instance.b"]);
    const d = plan(mesh, stateOf(mesh), { destroy: true });
    expect(d.summary).toEqual({ add: 0, change: 0, destroy: 3, noop: 0 });
    expect(Object.keys(actions(plan(mesh, stateOf(mesh), { destroy: true, targets: ["instance.b"] })))).toEqual(["instance.b", "plug.a.b.events.push"]);
    expect(() => plan(mesh, EMPTY, { targets: ["instance.zz"] })).toThrow(/no resource "instance.zz"/);
  });

  it("drift from read hooks: gone resources are re-created with their plugs, changed outputs are shown", () => {
    const refresh = new Map([["instance.a", { exists: false }], ["instance.b", { exists: true, outputs: { id: "new" } }]]);
    const p = plan(mesh, stateOf(mesh, { "instance.b": { outputs: { id: "old" } } }), { refresh });
    expect(p.drift.map((d) => [d.address, d.kind])).toEqual([["instance.a", "gone"], ["instance.b", "changed"]]);
    expect(actions(p)).toEqual({
      "instance.a": ["create", "create_because_gone"],
      "plug.a.b.events.push": ["replace", "replace_because_instance_replaced"],
    });
    const ro = plan(mesh, stateOf(mesh), { refresh, refreshOnly: true });
    expect(ro.changes).toEqual([]);
    expect(ro.mode).toBe("refresh-only");
    expect(ro.drift.map((d) => d.kind)).toEqual(["gone", "changed"]);
  });
});
