import { describe, expect, it } from "vitest";
import { thrownMeshroomError } from "../support/thrown.js";
import { buildCapabilityGraph, resolvePlug } from "../../src/capabilities/index.js";
import type { ExplicitIntegration, HookDescriptor, Product } from "../../src/model/index.js";
import { explicit, hook, instance, plug, product, setting, shuffled } from "./fixtures.js";

const edr = instance("myedr", "edr");
const siem = instance("mysiem", "siem");

function graph(products: Product[], hooks: HookDescriptor[] = [], integrations: ExplicitIntegration[] = []) {
  return buildCapabilityGraph({ products, hooks, integrations });
}

describe("resolvePlug", () => {
  const bothOwnSelf = () =>
    graph(
      [product("edr", [["producer", "events"]]), product("siem", [["consumer", "events"]])],
      [hook({ kind: "setup", product: "edr", role: "producer", topic: "events" }), hook({ kind: "setup", product: "siem", role: "consumer", topic: "events" })],
    );

  it("(1) an existing plug with the same src, dst, topic and mode is a no-op", () => {
    const existing = [plug({ src: "myedr", dst: "mysiem", topic: "events", mode: "pull" }), plug({ src: "myedr", dst: "mysiem", topic: "events" })];
    const r = resolvePlug(bothOwnSelf(), { topic: "events", src: edr, dst: siem, mode: "pull", existing });
    expect(r).toEqual({ status: "exists", plug: existing[0] });
    // without --mode, any mode counts and push is preferred
    expect(resolvePlug(bothOwnSelf(), { topic: "events", src: edr, dst: siem, existing })).toEqual({ status: "exists", plug: existing[1] });
    // another topic or direction is not the same plug
    const other = resolvePlug(bothOwnSelf(), { topic: "events", src: edr, dst: siem, existing: [plug({ src: "mysiem", dst: "myedr", topic: "events" })] });
    expect(other.status).toBe("resolved");
  });

  it("(2) both sides own self → kind data, owner both, refs to each side", () => {
    const r = resolvePlug(bothOwnSelf(), { topic: "events", src: edr, dst: siem, existing: [] });
    expect(r).toEqual({
      status: "resolved",
      plug: {
        src: "myedr", dst: "mysiem", topic: "events", mode: "push", kind: "data", owner: "both",
        srcIntegration: { product: "edr", target: "siem", topic: "events", role: "producer", mode: "push", explicit: false },
        dstIntegration: { product: "siem", target: "edr", topic: "events", role: "consumer", mode: "push", explicit: false },
        plugSettings: { src: [], dst: [] },
      },
    });
  });

  it("trigger/executor plugs get kind action", () => {
    const g = graph(
      [product("siem", [["trigger", "isolate"]]), product("edr", [["executor", "isolate"]])],
      [hook({ kind: "setup", product: "siem", topic: "isolate" }), hook({ kind: "setup", product: "edr", topic: "isolate" })],
    );
    const r = resolvePlug(g, { topic: "isolate", src: siem, dst: edr, existing: [] });
    expect(r.status === "resolved" && [r.plug.kind, r.plug.owner, r.plug.srcIntegration?.role, r.plug.dstIntegration?.role]).toEqual(["action", "both", "trigger", "executor"]);
  });

  it("tries data pairs before action pairs on the same topic", () => {
    const g = graph(
      [product("a", [["producer", "t"], ["trigger", "t"]]), product("b", [["consumer", "t"], ["executor", "t"]])],
      [hook({ kind: "setup", product: "a" }), hook({ kind: "setup", product: "b" })],
    );
    const r = resolvePlug(g, { topic: "t", src: instance("a1", "a"), dst: instance("b1", "b"), existing: [] });
    expect(r.status === "resolved" && r.plug.kind).toBe("data");
  });

  it("ties: explicit before generic, then most specific format, then name order — whatever the input order", () => {
    const products = [
      product("edr", [["producer", "events"], ["producer", "events", "push", "ecs"], ["producer", "events", "push", "cef"]]),
      product("siem", [["consumer", "events"]]),
    ];
    const hooks = [hook({ kind: "setup", product: "edr" }), hook({ kind: "setup", product: "siem" })];
    const pick = (integrations: ExplicitIntegration[], seed: number) => {
      const g = buildCapabilityGraph({
        products: shuffled(products, seed).map((p) => ({ ...p, capabilities: shuffled(p.capabilities, seed) })),
        hooks: shuffled(hooks, seed),
        integrations: shuffled(integrations, seed),
      });
      const r = resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] });
      if (r.status !== "resolved") throw new Error("expected resolved");
      return `${r.plug.format ?? "*"} ${r.plug.srcIntegration?.explicit} ${r.plug.dstIntegration?.explicit}`;
    };
    for (let seed = 1; seed <= 8; seed++) {
      // generic only: a set format beats unset, then name order (cef < ecs)
      expect(pick([], seed)).toBe("cef false false");
      // an explicit integration beats generic ones whatever their name order
      expect(pick([explicit("edr", "siem", "events_producer_ecs.yaml")], seed)).toBe("ecs true false");
      // two explicit sides beat one
      expect(pick([explicit("edr", "siem", "events_producer.yaml"), explicit("siem", "edr", "events_consumer_ecs.yaml")], seed)).toBe("ecs true true");
    }
  });

  it("filters by --mode and --format and records the most specific format", () => {
    const g = graph(
      [product("edr", [["producer", "events"], ["producer", "events", "pull"]]), product("siem", [["consumer", "events"], ["consumer", "events", "pull", "ecs"]])],
      [hook({ kind: "setup", product: "edr" }), hook({ kind: "setup", product: "siem" })],
    );
    const pull = resolvePlug(g, { topic: "events", src: edr, dst: siem, mode: "pull", existing: [] });
    expect(pull.status === "resolved" && [pull.plug.mode, pull.plug.format]).toEqual(["pull", "ecs"]);
    const cef = resolvePlug(g, { topic: "events", src: edr, dst: siem, format: "cef", existing: [] });
    expect(cef.status === "resolved" && [cef.plug.mode, cef.plug.format]).toEqual(["push", "cef"]);
    expect(thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, mode: "pull", format: "cef", existing: [] })).code).toBe("E_NO_INTEGRATION");
  });

  it("(3) source side owning both comes first, then the destination side; --owner restricts", () => {
    const g = graph(
      [product("edr", [["producer", "events"]]), product("siem", [["consumer", "events"]])],
      [hook({ kind: "setup", product: "edr", ownsBoth: true }), hook({ kind: "setup", product: "siem", ownsBoth: true })],
    );
    const r = resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] });
    expect(r.status === "resolved" && [r.plug.owner, r.plug.srcIntegration?.product, r.plug.dstIntegration]).toEqual(["myedr", "edr", undefined]);
    const d = resolvePlug(g, { topic: "events", src: edr, dst: siem, owner: "mysiem", existing: [] });
    expect(d.status === "resolved" && [d.plug.owner, d.plug.srcIntegration, d.plug.dstIntegration?.product]).toEqual(["mysiem", undefined, "siem"]);
  });

  it("--owner naming a side without an owns-both integration fails, suggesting that side only", () => {
    const g = graph([product("edr", [["producer", "events"]]), product("siem", [["consumer", "events"]])], [hook({ kind: "setup", product: "edr", ownsBoth: true })]);
    const e = thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, owner: "mysiem", existing: [] }));
    expect(e.code).toBe("E_NO_INTEGRATION");
    expect(e.detail).toContain("meshroom create integration siem edr events consumer");
    expect(e.detail).not.toContain("meshroom create integration edr siem");
  });

  it("prefers both-own-self over one side owning both", () => {
    const g = graph(
      [product("edr", [["producer", "events"], ["producer", "events", "push", "ecs"]]), product("siem", [["consumer", "events"]])],
      [
        hook({ kind: "setup", product: "edr", format: "ecs", ownsBoth: true }),
        hook({ kind: "setup", product: "edr" , title: "plain" }),
        hook({ kind: "setup", product: "siem" }),
      ],
    );
    const r = resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] });
    // the ecs source integration owns both; the any-format one owns self and pairs with the
    // destination's generic ecs consumer (a set format beats an unset one)
    expect(r.status === "resolved" && [r.plug.owner, r.plug.srcIntegration?.format, r.plug.dstIntegration?.format, r.plug.format]).toEqual(["both", undefined, "ecs", "ecs"]);
  });

  it("records the plug settings declared by each side's explicit integration", () => {
    const g = graph(
      [product("edr", [["producer", "events"]]), product("siem", [["consumer", "events"]])],
      [hook({ kind: "setup", product: "edr" }), hook({ kind: "setup", product: "siem" })],
      [explicit("siem", "edr", "events_consumer.yaml", [setting("index"), setting("api_token")])],
    );
    const r = resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] });
    expect(r.status === "resolved" && r.plug.plugSettings).toEqual({ src: [], dst: [setting("index"), setting("api_token")] });
  });

  it("plugs two instances of the same product", () => {
    const g = graph([product("siem", [["producer", "events"], ["consumer", "events"]])], [hook({ kind: "setup", product: "siem" })]);
    const r = resolvePlug(g, { topic: "events", src: instance("siem_eu", "siem"), dst: instance("siem_us", "siem"), existing: [] });
    expect(r.status === "resolved" && [r.plug.owner, r.plug.srcIntegration?.role, r.plug.dstIntegration?.role]).toEqual(["both", "producer", "consumer"]);
  });

  it("refuses an instance plugged to itself, an unknown --owner and an unknown product", () => {
    const g = graph([product("siem", [["producer", "events"], ["consumer", "events"]])]);
    expect(thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: siem, dst: siem, existing: [] })).code).toBe("E_USAGE");
    expect(thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: instance("a", "siem"), dst: instance("b", "siem"), owner: "c", existing: [] })).code).toBe("E_USAGE");
    expect(thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] })).message).toBe("instance myedr is of unknown product edr");
  });

  it("(4) fails saying what each side has, with the exact commands", () => {
    const g = graph([product("edr", [["producer", "events"]]), product("siem")]);
    const e = thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] }));
    expect(e.code).toBe("E_NO_INTEGRATION");
    expect(e.message).toBe("cannot plug myedr → mysiem events: source side has nothing; destination side has nothing");
    expect(e.detail!.split("\n")).toContain("  meshroom create integration edr siem events producer");
    expect(e.detail!.split("\n")).toContain("  meshroom create integration siem edr events consumer");
  });

  it("(4) describes generic sides without hooks, and passes --mode/--format into the commands", () => {
    const g = graph(
      [product("edr", [["producer", "events", "pull"]]), product("siem", [["consumer", "events", "pull", "ecs"]])],
      [hook({ kind: "setup", product: "siem", target: "edr", role: "consumer" })],
    );
    const e = thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, mode: "pull", existing: [] }));
    expect(e.message).toBe(
      "cannot plug myedr → mysiem events (pull): source side has generic producer ecs pull (no hook); destination side has generic consumer ecs pull (owns self)",
    );
    expect(e.detail!.split("\n").filter((l) => l.includes("meshroom create"))).toEqual(["  meshroom create integration edr siem events producer --mode pull --format ecs"]);
  });

  it("(4) matches the original wording for a one-sided generic producer", () => {
    const g = graph([product("edr", [["producer", "events"]]), product("siem", [["consumer", "alerts"]])], [hook({ kind: "teardown", product: "edr" })]);
    const withConsumer = graph([product("edr", [["producer", "events"]]), product("siem", [["consumer", "events"]])], [hook({ kind: "setup", product: "siem", target: "xdr" })]);
    expect(thrownMeshroomError(() => resolvePlug(g, { topic: "events", src: edr, dst: siem, existing: [] })).message).toContain("source side has nothing; destination side has nothing");
    const e = thrownMeshroomError(() => resolvePlug(withConsumer, { topic: "events", src: edr, dst: siem, existing: [] }));
    expect(e.message).toBe("cannot plug myedr → mysiem events: source side has generic producer (no hook); destination side has generic consumer (no hook)");
    const explicitOnly = graph([product("edr"), product("siem")], [], [explicit("edr", "siem", "events_producer.yaml")]);
    expect(thrownMeshroomError(() => resolvePlug(explicitOnly, { topic: "events", src: edr, dst: siem, existing: [] })).message).toBe(
      "cannot plug myedr → mysiem events: source side has explicit producer (no hook); destination side has nothing",
    );
  });

  it("(4) action topics suggest trigger/executor integrations", () => {
    const g = graph([product("siem", [["trigger", "isolate"]]), product("edr", [["executor", "isolate"]])]);
    const e = thrownMeshroomError(() => resolvePlug(g, { topic: "isolate", src: siem, dst: edr, existing: [] }));
    expect(e.detail).toContain("meshroom create integration siem edr isolate trigger\n");
    expect(e.detail).toContain("meshroom create integration edr siem isolate executor\n");
  });
});
