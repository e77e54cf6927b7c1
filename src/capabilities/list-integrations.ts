import type { Role } from "../model/index.js";
import { type CapabilityGraph, partnersOf } from "./graph.js";
import { type Integration, compareIntegrations } from "./integration.js";
import { integrationsBetween } from "./integrations-between.js";

export interface IntegrationFilter {
  product?: string;
  target?: string;
  topic?: string;
  role?: Role;
}

/**
 * Every integration (explicit and generic) matching the filter, in a deterministic order
 * (`compareIntegrations`). Each row carries its ownership and its applicable hooks.
 */
export function listIntegrations(graph: CapabilityGraph, filter: IntegrationFilter = {}): Integration[] {
  const products = filter.product !== undefined ? [filter.product] : [...graph.products.keys()];
  const out: Integration[] = [];
  for (const a of products) {
    const targets = filter.target !== undefined ? [filter.target] : partnersOf(graph, a);
    for (const b of targets) {
      for (const i of integrationsBetween(graph, a, b)) {
        if (filter.topic !== undefined && i.topic !== filter.topic) continue;
        if (filter.role !== undefined && i.role !== filter.role) continue;
        out.push(i);
      }
    }
  }
  return out.sort(compareIntegrations);
}
