import {
  type CapabilityGraph, type Integration, integrationName, listIntegrations,
} from "../capabilities/index.js";
import { type Capability, type Product, isSourceRole } from "../model/index.js";
import type { DetailRow, GraphView, ViewEdge, ViewNode } from "./model.js";

function capabilityText(c: Capability): string {
  return [c.topic, c.mode, ...(c.format ? [c.format] : [])].join(" · ");
}

/** Side-panel rows of a product: description, vendor, tags, every capability, setting names. */
export function productDetails(p: Pick<Product, "description" | "vendor" | "tags" | "settings">, caps: readonly Capability[]): DetailRow[] {
  const rows: DetailRow[] = [];
  if (p.description) rows.push({ kind: "field", name: "description", value: p.description });
  if (p.vendor) rows.push({ kind: "field", name: "vendor", value: p.vendor });
  if (p.tags.length > 0) rows.push({ kind: "field", name: "tags", value: p.tags.join(", ") });
  for (const c of caps) rows.push({ kind: "item", name: c.role, value: capabilityText(c) });
  for (const s of p.settings) {
    rows.push(s.secret ? { kind: "secret", name: s.name } : { kind: "field", name: `setting ${s.name}`, value: s.type });
  }
  return rows;
}

/**
 * The edge of one integration, drawn in the direction data or actions flow (source product →
 * destination product), whichever side the integration sets up.
 */
export function integrationEdge(i: Integration): ViewEdge {
  const source = isSourceRole(i.role);
  const from = source ? i.product : i.target;
  const to = source ? i.target : i.product;
  const fmt = i.format ? ` · ${i.format}` : "";
  return {
    id: `${i.product}>${i.target}:${integrationName(i)}:${i.explicit ? "explicit" : "generic"}`,
    from,
    to,
    label: `${i.topic} · ${i.mode}${fmt} (${i.role})`,
    ownership: i.ownership,
    explicit: i.explicit,
    title: `${i.product}'s ${i.role} integration towards ${i.target}: ${i.topic}, ${i.mode}${fmt}; ${i.explicit ? "explicit" : "generic"}, ${i.ownership}`,
  };
}

/**
 * The capability graph: one node per product, one edge per integration (explicit and generic,
 * each side of an interop apart), carrying its setup ownership. Pure.
 */
export function buildCapabilityView(graph: CapabilityGraph, title = "meshroom capability graph"): GraphView {
  const nodes: ViewNode[] = [];
  for (const p of graph.products.values()) {
    const node: ViewNode = {
      id: p.name, label: p.name, kind: "product",
      details: productDetails(p, graph.capabilities.get(p.name) ?? []),
    };
    if (p.tags.length > 0) node.sublabel = p.tags.join(", ");
    nodes.push(node);
  }
  const edges = listIntegrations(graph).map(integrationEdge);
  return { kind: "capabilities", title, nodes, edges, planOverlay: false };
}
