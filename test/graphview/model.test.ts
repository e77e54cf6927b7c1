import { describe, expect, it } from "vitest";
import { buildCapabilityGraph } from "../../src/capabilities/index.js";
import {
  CHANGE_COLOR, OWNERSHIP_STYLE, buildCapabilityView, buildMeshView, capabilityOpenness, instanceDetails, pairInterop, viewStatusOf,
} from "../../src/graphview/index.js";
import { hook, instance, plug, product, setting } from "./fixtures.js";

describe("mesh view", () => {
  const products = new Map([
    ["edr", product("edr", [["producer", "events"]], [setting("region", { default: "eu" }), setting("API_KEY", { secret: true }), setting("cert")])],
    ["siem", product("siem", [["consumer", "events"]])],
  ]);
  const instances = [instance("e1", "edr", { region: "us", port: 8443, password: "hunter2-oops" }), instance("s1", "siem")];
  const plugs = [plug({ src: "e1", dst: "s1", topic: "events", format: "ecs" })];

  it("maps state statuses to up / pending change / tainted / not applied", () => {
    expect([viewStatusOf("ready"), viewStatusOf("pending"), viewStatusOf("tainted"), viewStatusOf(undefined)]).toEqual([
      "up", "pending change", "tainted", "not applied",
    ]);
    const v = buildMeshView({ instances, products, plugs, statuses: new Map([["instance.e1", "ready"], ["plug.e1.s1.events.push", "tainted"]]) });
    expect(v.nodes.map((n) => [n.id, n.sublabel, n.status])).toEqual([["e1", "edr", "up"], ["s1", "siem", "not applied"]]);
    expect(v.edges).toHaveLength(1);
    expect(v.edges[0]).toMatchObject({ id: "plug.e1.s1.events.push", from: "e1", to: "s1", label: "events · push · ecs", status: "tainted" });
  });

  it("lists settings with values and secrets by name only, never their values", () => {
    const rows = instanceDetails(instances[0]!, products.get("edr")!.settings);
    expect(rows).toContainEqual({ kind: "setting", name: "region", value: "us" });
    expect(rows).toContainEqual({ kind: "setting", name: "port", value: "8443" });
    expect(rows).toContainEqual({ kind: "secret", name: "API_KEY" });
    // a secret-looking name in config.yaml is still treated as a secret
    expect(rows).toContainEqual({ kind: "secret", name: "password" });
    expect(JSON.stringify(rows)).not.toContain("hunter2-oops");
  });

  it("overlays a saved plan and draws deleted resources from the plan's before values", () => {
    const v = buildMeshView({
      instances, products, plugs, statuses: new Map([["instance.old", "ready"]]),
      plan: [
        { address: "instance.s1", action: "create" },
        { address: "instance.e1", action: "update" },
        { address: "plug.e1.s1.events.push", action: "replace" },
        { address: "instance.old", action: "delete", before: { inputs: { name: "old", product: "ndr", settings: {} } } },
        { address: "plug.old.s1.events.pull", action: "delete", before: { inputs: { src: "old", dst: "s1", topic: "events", mode: "pull" } } },
        { address: "instance.x", action: "no-op" },
      ],
    });
    expect(v.planOverlay).toBe(true);
    const byId = new Map(v.nodes.map((n) => [n.id, n]));
    expect(byId.get("s1")?.change).toBe("create");
    expect(byId.get("e1")?.change).toBe("update");
    expect(byId.get("old")).toMatchObject({ change: "delete", sublabel: "ndr", status: "up" });
    expect(byId.has("x")).toBe(false);
    expect(v.edges.map((e) => [e.id, e.change])).toEqual([
      ["plug.e1.s1.events.push", "replace"],
      ["plug.old.s1.events.pull", "delete"],
    ]);
  });
});

describe("capability view and openness", () => {
  // a → b: events, both sides own self (settable); b → c: alerts, no hooks (theoretical only);
  // c → a: actions, c's trigger owns both while a declares nothing matching (settable, not a matched pair).
  const products = [
    product("a", [["producer", "events"]]),
    product("b", [["consumer", "events"], ["producer", "alerts"]]),
    product("c", [["consumer", "alerts"], ["trigger", "isolate"]]),
    product("d", [["executor", "scan"]]),
  ];
  const hooks = [
    hook({ kind: "setup", product: "a", role: "producer", topic: "events" }),
    hook({ kind: "setup", product: "b", role: "consumer", topic: "events" }),
    hook({ kind: "setup", product: "c", target: "a", role: "trigger", topic: "isolate", ownsBoth: true }),
  ];
  const integrations = [
    {
      product: "c", target: "a", topic: "isolate", role: "trigger" as const, mode: "push" as const, plugSettings: [], settings: {}, extra: {},
      commandHooks: [], file: "/p/products/c/integrations/a/isolate_trigger.yaml",
    },
  ];
  const graph = buildCapabilityGraph({ products, integrations, hooks });

  it("gives each integration its ownership and draws it in the direction data flows", () => {
    const v = buildCapabilityView(graph);
    expect(v.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d"]);
    const edges = v.edges.map((e) => [e.from, e.to, e.ownership, e.label]);
    expect(edges).toContainEqual(["a", "b", "owns self", "events · push (producer)"]);
    expect(edges).toContainEqual(["a", "b", "owns self", "events · push (consumer)"]);
    expect(edges).toContainEqual(["b", "c", "no hook", "alerts · push (producer)"]);
    expect(edges).toContainEqual(["c", "a", "owns both", "isolate · push (trigger)"]);
    expect(v.edges.find((e) => e.ownership === "owns both")?.explicit).toBe(true);
    expect(OWNERSHIP_STYLE).toEqual({ "owns both": "solid", "owns self": "dashed", "no hook": "dotted" });
    const caps = v.nodes.find((n) => n.id === "b")!.details.filter((d) => d.kind === "item");
    // declared ones in file order, then those implied by its mode-less setup hook (push and pull)
    expect(caps).toEqual([
      { kind: "item", name: "consumer", value: "events · push" },
      { kind: "item", name: "producer", value: "alerts · push" },
      { kind: "item", name: "consumer", value: "events · pull" },
    ]);
  });

  it("counts settable and theoretical ordered pairs over n(n-1)", () => {
    expect(pairInterop(graph, "a", "b")).toEqual({ theoretical: true, settable: true });
    expect(pairInterop(graph, "b", "a")).toEqual({ theoretical: false, settable: false });
    expect(pairInterop(graph, "b", "c")).toEqual({ theoretical: true, settable: false });
    expect(pairInterop(graph, "c", "a")).toEqual({ theoretical: true, settable: true });
    expect(capabilityOpenness(graph)).toEqual({
      products: 4, possiblePairs: 12, theoretical: 3, settable: 2, theoreticalDensity: 3 / 12, settableDensity: 2 / 12,
    });
  });

  it("one side owning self with a hook-less partner is theoretical only", () => {
    const g = buildCapabilityGraph({
      products: [product("p", [["producer", "x"]]), product("q", [["consumer", "x"]])],
      integrations: [],
      hooks: [hook({ kind: "setup", product: "p", topic: "x" })],
    });
    expect(pairInterop(g, "p", "q")).toEqual({ theoretical: true, settable: false });
    expect(capabilityOpenness(buildCapabilityGraph({ products: [product("solo")], integrations: [], hooks: [] }))).toMatchObject({
      possiblePairs: 0, theoreticalDensity: 0, settableDensity: 0,
    });
  });

  it("exposes the plan colours the legend uses", () => {
    expect(Object.keys(CHANGE_COLOR)).toEqual(["create", "update", "replace", "delete"]);
    expect(new Set(Object.values(CHANGE_COLOR)).size).toBe(4);
  });
});
