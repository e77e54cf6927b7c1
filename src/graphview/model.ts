/**
 * The drawable graph: what the renderers (dot, mermaid, svg, html) draw. It carries meaning
 * (status, planned change, ownership), never colours: `theme.ts` maps meaning to style, so the
 * same model renders alike in every format. Built by `buildMeshView` / `buildCapabilityView`.
 */

/** What the state says about a resource of the mesh. */
export type ViewStatus = "up" | "pending change" | "tainted" | "not applied";

/** What a saved plan will do to a resource (no-ops are not drawn as changes). */
export type ViewChange = "create" | "update" | "replace" | "delete";

/** Setup ownership of an integration (20-matching.md). */
export type ViewOwnership = "owns both" | "owns self" | "no hook";

/** One line of a node's side panel: a secret shows its name only (`secret: true`, no value). */
export type DetailRow =
  | { kind: "field"; name: string; value: string }
  | { kind: "setting"; name: string; value: string }
  | { kind: "secret"; name: string }
  | { kind: "item"; name: string; value: string };

export interface ViewNode {
  /** Stable id, unique in the graph (the instance or product name). */
  id: string;
  /** First label line (the name). */
  label: string;
  /** Second label line (an instance's product; a product's tags). */
  sublabel?: string;
  kind: "instance" | "product";
  status?: ViewStatus;
  change?: ViewChange;
  /** Shown in the HTML side panel; must never hold a secret value. */
  details: DetailRow[];
}

export interface ViewEdge {
  /** Stable id, unique in the graph (a plug address, or an integration key). */
  id: string;
  from: string;
  to: string;
  label: string;
  status?: ViewStatus;
  change?: ViewChange;
  ownership?: ViewOwnership;
  explicit?: boolean;
  /** Longer description (SVG tooltip). */
  title?: string;
}

export interface GraphView {
  kind: "mesh" | "capabilities";
  title: string;
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** True when a saved plan was overlaid (the legend then shows the change colours). */
  planOverlay: boolean;
}
