import type { IntegrationKey } from "../model/index.js";
import { type CapabilityGraph, pairKey } from "./graph.js";
import { hooksForScope, ownershipOf } from "./hook-scope.js";
import { integrationKeyString } from "../model/index.js";
import { type Integration, compareIntegrations } from "./integration.js";
import { capabilitiesMatch, moreSpecificFormat } from "./match.js";

/**
 * The integrations of `product` towards `target` (any role), sorted: explicit ones from
 * YAML, plus a generic one for every capability of `product` matching one of `target`
 * (format = the more specific of the two). An explicit integration replaces the generic
 * one with the same (topic, role, mode, format). `product === target` is allowed: two
 * instances of one product (e.g. two SIEM tenants) can be plugged together.
 */
export function integrationsBetween(graph: CapabilityGraph, product: string, target: string): readonly Integration[] {
  const pk = pairKey(product, target);
  const cached = graph.pairCache.get(pk);
  if (cached) return cached;

  const byKey = new Map<string, Integration>();
  for (const def of graph.explicit.get(pk) ?? []) {
    const key = _keyOf(def);
    const k = integrationKeyString(key);
    if (byKey.has(k)) continue; // duplicates are reported by the project loader; first file wins
    byKey.set(k, _make(graph, product, target, key, { explicit: true, definition: def }));
  }
  const mine = graph.capabilities.get(product) ?? [];
  const theirs = graph.capabilities.get(target) ?? [];
  for (const a of mine) {
    for (const b of theirs) {
      if (!capabilitiesMatch(a, b)) continue;
      const key: IntegrationKey = { topic: a.topic, role: a.role, mode: a.mode };
      const format = moreSpecificFormat(a.format, b.format);
      if (format !== undefined) key.format = format;
      const k = integrationKeyString(key);
      if (byKey.has(k)) continue;
      byKey.set(k, _make(graph, product, target, key, { explicit: false }));
    }
  }
  const list = [...byKey.values()].sort(compareIntegrations);
  graph.pairCache.set(pk, list);
  return list;
}

function _keyOf(k: IntegrationKey): IntegrationKey {
  const key: IntegrationKey = { topic: k.topic, role: k.role, mode: k.mode };
  if (k.format !== undefined) key.format = k.format;
  return key;
}

function _make(
  graph: CapabilityGraph,
  product: string,
  target: string,
  key: IntegrationKey,
  origin: { explicit: boolean; definition?: Integration["definition"] },
): Integration {
  const scope = { product, target, role: key.role, topic: key.topic, mode: key.mode, ...(key.format !== undefined ? { format: key.format } : {}) };
  const hooks = hooksForScope(graph.hooks.get(product) ?? [], scope);
  const i: Integration = {
    product,
    target,
    ...key,
    explicit: origin.explicit,
    hooks,
    ownership: ownershipOf(hooks),
    plugSettings: origin.definition ? [...origin.definition.plugSettings] : [],
  };
  if (origin.definition) i.definition = origin.definition;
  return i;
}
