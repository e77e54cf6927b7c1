import type { Capability, ExplicitIntegration, HookDescriptor, Product } from "../model/index.js";
import { complementaryRole } from "../model/index.js";
import { effectiveCapabilities } from "./capabilities-of.js";
import type { Integration } from "./integration.js";

/** Inputs of the capability graph: everything loaded from a project, nothing executed. */
export interface CapabilityGraphInput {
  products: readonly Product[];
  integrations: readonly ExplicitIntegration[];
  hooks: readonly HookDescriptor[];
}

/**
 * Products and integrations, indexed once for fast matching. Integrations of a product
 * pair are computed on first use and memoized in `pairCache` (the graph is otherwise
 * immutable; results do not depend on the order of the inputs).
 */
export interface CapabilityGraph {
  readonly products: ReadonlyMap<string, Product>;
  /** Declared + implied capabilities of each product. */
  readonly capabilities: ReadonlyMap<string, readonly Capability[]>;
  /** Hooks of each product (product-wide and integration-specific), sorted by id. */
  readonly hooks: ReadonlyMap<string, readonly HookDescriptor[]>;
  /** Explicit integrations keyed by `pairKey(product, target)`, sorted by file. */
  readonly explicit: ReadonlyMap<string, readonly ExplicitIntegration[]>;
  /** Targets of each product's explicit integrations. */
  readonly explicitTargets: ReadonlyMap<string, readonly string[]>;
  /** Products having a capability, keyed by `capabilityIndexKey(topic, role, mode)`. */
  readonly byCapability: ReadonlyMap<string, readonly string[]>;
  /** Memo of `integrationsBetween`. */
  readonly pairCache: Map<string, readonly Integration[]>;
}

export function pairKey(product: string, target: string): string {
  return `${product}\u0000${target}`;
}

export function capabilityIndexKey(c: Pick<Capability, "topic" | "role" | "mode">): string {
  return `${c.topic}\u0000${c.role}\u0000${c.mode}`;
}

function _push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const _byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the capability graph's indexes. Pure: no I/O, no hook is run. */
export function buildCapabilityGraph(input: CapabilityGraphInput): CapabilityGraph {
  const hooks = new Map<string, HookDescriptor[]>();
  for (const h of [...input.hooks].sort((a, b) => _byString(a.id, b.id))) _push(hooks, h.product, h);

  const products = new Map<string, Product>();
  for (const p of [...input.products].sort((a, b) => _byString(a.name, b.name))) {
    if (!products.has(p.name)) products.set(p.name, p);
  }

  const capabilities = new Map<string, Capability[]>();
  const byCapabilitySets = new Map<string, Set<string>>();
  for (const p of products.values()) {
    const caps = effectiveCapabilities(p, hooks.get(p.name) ?? []);
    capabilities.set(p.name, caps);
    for (const c of caps) {
      const k = capabilityIndexKey(c);
      const set = byCapabilitySets.get(k) ?? new Set<string>();
      set.add(p.name);
      byCapabilitySets.set(k, set);
    }
  }
  const byCapability = new Map<string, string[]>();
  for (const [k, set] of byCapabilitySets) byCapability.set(k, [...set].sort(_byString));

  const explicit = new Map<string, ExplicitIntegration[]>();
  const targets = new Map<string, Set<string>>();
  const sortedExplicit = [...input.integrations].sort(
    (a, b) => _byString(a.product, b.product) || _byString(a.target, b.target) || _byString(a.file, b.file),
  );
  for (const i of sortedExplicit) {
    _push(explicit, pairKey(i.product, i.target), i);
    const set = targets.get(i.product) ?? new Set<string>();
    set.add(i.target);
    targets.set(i.product, set);
  }
  const explicitTargets = new Map<string, string[]>();
  for (const [p, set] of targets) explicitTargets.set(p, [...set].sort(_byString));

  return { products, capabilities, hooks, explicit, explicitTargets, byCapability, pairCache: new Map() };
}

/**
 * Products B such that the pair (product, B) may have integrations: explicit targets, and
 * products with a capability complementary to one of `product`'s. Sorted by name.
 */
export function partnersOf(graph: CapabilityGraph, product: string): string[] {
  const out = new Set<string>(graph.explicitTargets.get(product) ?? []);
  for (const c of graph.capabilities.get(product) ?? []) {
    const k = capabilityIndexKey({ topic: c.topic, role: complementaryRole(c.role), mode: c.mode });
    for (const b of graph.byCapability.get(k) ?? []) out.add(b);
  }
  return [...out].sort(_byString);
}
