import { describe, expect, it } from "vitest";
import {
  buildCapabilityGraph, effectiveCapabilities, impliedCapabilities, integrationsBetween, listIntegrations, sameIntegration,
} from "../../src/capabilities/index.js";
import { explicit, hook, product, shuffled } from "./fixtures.js";

const keyOf = (i: { product: string; target: string; topic: string; role: string; mode: string; format?: string; explicit: boolean }) =>
  `${i.product}>${i.target} ${i.topic} ${i.role} ${i.mode} ${i.format ?? "*"} ${i.explicit ? "explicit" : "generic"}`;

describe("implied capabilities", () => {
  it("a product-wide setup hook with role+topic and no mode implies push and pull", () => {
    const hooks = [hook({ kind: "setup", product: "edr", role: "producer", topic: "events" })];
    expect(impliedCapabilities("edr", hooks)).toEqual([
      { product: "edr", role: "producer", topic: "events", mode: "push" },
      { product: "edr", role: "producer", topic: "events", mode: "pull" },
    ]);
  });

  it("carries the hook's mode and format", () => {
    const hooks = [hook({ kind: "setup", product: "edr", role: "consumer", topic: "threats", mode: "pull", format: "stix" })];
    expect(impliedCapabilities("edr", hooks)).toEqual([{ product: "edr", role: "consumer", topic: "threats", mode: "pull", format: "stix" }]);
  });

  it("ignores integration-specific hooks, other kinds, hooks without role or topic, and other products", () => {
    const hooks = [
      hook({ kind: "setup", product: "edr", target: "siem", role: "producer", topic: "events" }),
      hook({ kind: "teardown", product: "edr", role: "producer", topic: "events" }),
      hook({ kind: "setup", product: "edr", topic: "events" }),
      hook({ kind: "setup", product: "edr", role: "producer" }),
      hook({ kind: "setup", product: "siem", role: "consumer", topic: "events" }),
    ];
    expect(impliedCapabilities("edr", hooks)).toEqual([]);
  });

  it("adds implied capabilities after declared ones without duplicates", () => {
    const p = product("edr", [["producer", "events"]]);
    const hooks = [hook({ kind: "setup", product: "edr", role: "producer", topic: "events" })];
    expect(effectiveCapabilities(p, hooks).map((c) => c.mode)).toEqual(["push", "pull"]);
  });

  it("implied capabilities create generic integrations", () => {
    const g = buildCapabilityGraph({
      products: [product("edr"), product("siem", [["consumer", "events", "pull"]])],
      integrations: [],
      hooks: [hook({ kind: "setup", product: "edr", role: "producer", topic: "events" })],
    });
    expect(integrationsBetween(g, "edr", "siem").map(keyOf)).toEqual(["edr>siem events producer pull * generic"]);
  });
});

describe("integrations", () => {
  const products = [
    product("edr", [["producer", "events", "push", "ecs"], ["producer", "alerts"], ["executor", "isolate"]]),
    product("siem", [["consumer", "events"], ["consumer", "events", "pull"], ["consumer", "alerts", "push", "cef"], ["trigger", "isolate"]]),
  ];

  it("generic: one per matching capability pair, with the more specific format", () => {
    const g = buildCapabilityGraph({ products, integrations: [], hooks: [] });
    expect(integrationsBetween(g, "edr", "siem").map(keyOf)).toEqual([
      "edr>siem alerts producer push cef generic",
      "edr>siem events producer push ecs generic",
      "edr>siem isolate executor push * generic",
    ]);
    expect(integrationsBetween(g, "siem", "edr").map(keyOf)).toEqual([
      "siem>edr alerts consumer push cef generic",
      "siem>edr events consumer push ecs generic",
      "siem>edr isolate trigger push * generic",
    ]);
  });

  it("explicit wins over generic for the same key, and differing keys coexist", () => {
    const g = buildCapabilityGraph({
      products,
      integrations: [explicit("edr", "siem", "events_producer_ecs.yaml"), explicit("edr", "siem", "events_producer_pull.yaml")],
      hooks: [],
    });
    expect(integrationsBetween(g, "edr", "siem").map(keyOf)).toEqual([
      "edr>siem alerts producer push cef generic",
      "edr>siem events producer push ecs explicit",
      "edr>siem events producer pull * explicit",
      "edr>siem isolate executor push * generic",
    ]);
  });

  it("allows a product plugged to itself (two instances of one SIEM forwarding events)", () => {
    const g = buildCapabilityGraph({ products: [product("siem", [["producer", "events"], ["consumer", "events"]])], integrations: [], hooks: [] });
    expect(integrationsBetween(g, "siem", "siem").map(keyOf)).toEqual([
      "siem>siem events producer push * generic",
      "siem>siem events consumer push * generic",
    ]);
  });

  it("has no generic integration when nothing matches", () => {
    const g = buildCapabilityGraph({ products: [product("a", [["producer", "events", "push", "ecs"]]), product("b", [["consumer", "events", "push", "cef"]])], integrations: [], hooks: [] });
    expect(integrationsBetween(g, "a", "b")).toEqual([]);
  });
});

describe("hooks of an integration", () => {
  const products = [product("edr", [["producer", "events", "push", "ecs"], ["producer", "events", "pull"]]), product("siem", [["consumer", "events"], ["consumer", "events", "pull"]])];

  it("applies hooks of product A with target unset or B, and role/topic/mode/format unset or equal", () => {
    const hooks = [
      hook({ id: "any", kind: "setup", product: "edr" }),
      hook({ id: "topic", kind: "setup", product: "edr", topic: "events", keepWhenOverloaded: true }),
      hook({ id: "role", kind: "teardown", product: "edr", role: "producer" }),
      hook({ id: "wrongRole", kind: "setup", product: "edr", role: "consumer" }),
      hook({ id: "wrongTopic", kind: "setup", product: "edr", topic: "alerts" }),
      hook({ id: "pullOnly", kind: "read", product: "edr", mode: "pull" }),
      hook({ id: "ecs", kind: "read", product: "edr", format: "ecs" }),
      hook({ id: "otherTarget", kind: "update", product: "edr", target: "xdr" }),
      hook({ id: "otherProduct", kind: "setup", product: "siem" }),
    ];
    const g = buildCapabilityGraph({ products, integrations: [], hooks });
    const [push, pull] = [...integrationsBetween(g, "edr", "siem")];
    expect(push!.mode).toBe("push");
    expect(push!.hooks.map((h) => h.id).sort()).toEqual(["any", "ecs", "role", "topic"]);
    expect(pull!.hooks.map((h) => h.id).sort()).toEqual(["any", "pullOnly", "role", "topic"]);
  });

  it("a hook with no topic still matches", () => {
    const g = buildCapabilityGraph({ products, integrations: [], hooks: [hook({ kind: "setup", product: "edr", role: "producer" })] });
    expect(integrationsBetween(g, "edr", "siem").every((i) => i.ownership === "owns self")).toBe(true);
  });

  it("integration-level hooks overload product-wide ones of the same kind unless keepWhenOverloaded", () => {
    const hooks = [
      hook({ id: "wide-setup", kind: "setup", product: "edr", topic: "events" }),
      hook({ id: "wide-setup-kept", kind: "setup", product: "edr", keepWhenOverloaded: true }),
      hook({ id: "wide-teardown", kind: "teardown", product: "edr" }),
      hook({ id: "specific-setup", kind: "setup", product: "edr", target: "siem", topic: "events", role: "producer" }),
    ];
    const g = buildCapabilityGraph({ products: [...products, product("xdr", [["consumer", "events"]])], integrations: [], hooks });
    const toSiem = integrationsBetween(g, "edr", "siem")[0]!;
    expect(toSiem.hooks.map((h) => h.id).sort()).toEqual(["specific-setup", "wide-setup-kept", "wide-teardown"]);
    // towards another product the specific hook does not apply, so nothing is overloaded
    const toXdr = integrationsBetween(g, "edr", "xdr")[0]!;
    expect(toXdr.hooks.map((h) => h.id).sort()).toEqual(["wide-setup", "wide-setup-kept", "wide-teardown"]);
  });

  it("ownership: owns both, owns self, no hook", () => {
    const g = buildCapabilityGraph({
      products: [product("a", [["producer", "x"], ["producer", "y"], ["producer", "z"]]), product("b", [["consumer", "x"], ["consumer", "y"], ["consumer", "z"]])],
      integrations: [],
      hooks: [
        hook({ kind: "setup", product: "a", topic: "x" }),
        hook({ kind: "setup", product: "a", topic: "x", ownsBoth: true }),
        hook({ kind: "setup", product: "a", topic: "y" }),
        hook({ kind: "teardown", product: "a", topic: "z" }),
      ],
    });
    expect(integrationsBetween(g, "a", "b").map((i) => `${i.topic}:${i.ownership}`)).toEqual(["x:owns both", "y:owns self", "z:no hook"]);
  });
});

describe("listIntegrations", () => {
  const input = {
    products: [
      product("edr", [["producer", "events"], ["executor", "isolate"]]),
      product("siem", [["consumer", "events"], ["trigger", "isolate"], ["producer", "alerts"]]),
      product("soar", [["consumer", "alerts"], ["trigger", "isolate"]]),
    ],
    integrations: [explicit("edr", "siem", "events_producer.yaml"), explicit("edr", "tip", "iocs_consumer_stix.yaml")],
    hooks: [hook({ kind: "setup", product: "edr", target: "siem", topic: "events", role: "producer", ownsBoth: true })],
  };

  it("lists all rows sorted, with explicit/generic and ownership", () => {
    const g = buildCapabilityGraph(input);
    expect(listIntegrations(g).map((i) => `${keyOf(i)} ${i.ownership}`)).toEqual([
      "edr>siem events producer push * explicit owns both",
      "edr>siem isolate executor push * generic no hook",
      "edr>soar isolate executor push * generic no hook",
      "edr>tip iocs consumer push stix explicit no hook",
      "siem>edr events consumer push * generic no hook",
      "siem>edr isolate trigger push * generic no hook",
      "siem>soar alerts producer push * generic no hook",
      "soar>edr isolate trigger push * generic no hook",
      "soar>siem alerts consumer push * generic no hook",
    ]);
  });

  it("honours product, target, topic and role filters", () => {
    const g = buildCapabilityGraph(input);
    expect(listIntegrations(g, { product: "siem" }).map(keyOf)).toEqual([
      "siem>edr events consumer push * generic",
      "siem>edr isolate trigger push * generic",
      "siem>soar alerts producer push * generic",
    ]);
    expect(listIntegrations(g, { product: "edr", target: "soar" }).map(keyOf)).toEqual(["edr>soar isolate executor push * generic"]);
    expect(listIntegrations(g, { topic: "isolate", role: "trigger" }).map(keyOf)).toEqual([
      "siem>edr isolate trigger push * generic",
      "soar>edr isolate trigger push * generic",
    ]);
    expect(listIntegrations(g, { role: "consumer", target: "edr" }).map(keyOf)).toEqual(["siem>edr events consumer push * generic"]);
  });

  it("gives identical results whatever the input order", () => {
    const ref = listIntegrations(buildCapabilityGraph(input)).map((i) => `${keyOf(i)} ${i.hooks.map((h) => h.id).join(",")}`);
    for (let seed = 1; seed <= 10; seed++) {
      const g = buildCapabilityGraph({
        products: shuffled(input.products, seed).map((p) => ({ ...p, capabilities: shuffled(p.capabilities, seed + 7) })),
        integrations: shuffled(input.integrations, seed),
        hooks: shuffled(input.hooks, seed),
      });
      expect(listIntegrations(g).map((i) => `${keyOf(i)} ${i.hooks.map((h) => h.id).join(",")}`)).toEqual(ref);
    }
  });
});

describe("sameIntegration", () => {
  it("matches a plug's ref to the integration serving it, explicit or generic", () => {
    const g = buildCapabilityGraph({
      products: [product("edr", [["producer", "events", "push", "ecs"]]), product("siem", [["consumer", "events"]])],
      integrations: [explicit("edr", "siem", "events_producer_ecs.yaml")],
      hooks: [],
    });
    const i = integrationsBetween(g, "edr", "siem")[0]!;
    const ref = { product: "edr", target: "siem", topic: "events", role: "producer" as const, mode: "push" as const, format: "ecs", explicit: false };
    expect(sameIntegration(ref, i)).toBe(true);
    expect(sameIntegration({ ...ref, format: "cef" }, i)).toBe(false);
    expect(sameIntegration({ ...ref, mode: "pull" }, i)).toBe(false);
    expect(sameIntegration({ ...ref, target: "xdr" }, i)).toBe(false);
  });
});
