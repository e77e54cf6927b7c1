import type { GraphView, ViewChange, ViewEdge, ViewNode, ViewOwnership, ViewStatus } from "./model.js";

/** Line style of an edge, as Graphviz names it (mermaid draws it with a dash array). */
export type LineStyle = "solid" | "dashed" | "dotted";

/** How one node or edge is drawn, in format-neutral terms. */
export interface NodeLook {
  fill: string;
  border: string;
  borderWidth: number;
  dashed: boolean;
}

export interface EdgeLook {
  color: string;
  width: number;
  style: LineStyle;
}

export const STATUS_FILL: Record<ViewStatus, string> = {
  up: "#dcf2e1",
  "pending change": "#fff1c2",
  tainted: "#fbd9d5",
  "not applied": "#f4f4f4",
};
export const STATUS_LINE: Record<ViewStatus, string> = {
  up: "#2e7d32",
  "pending change": "#a66f00",
  tainted: "#c62828",
  "not applied": "#9e9e9e",
};
export const CHANGE_COLOR: Record<ViewChange, string> = {
  create: "#17a34a",
  update: "#1e63c4",
  replace: "#8e24aa",
  delete: "#d32f2f",
};
export const CHANGE_MARK: Record<ViewChange, string> = { create: "+", update: "~", replace: "-/+", delete: "-" };
export const OWNERSHIP_STYLE: Record<ViewOwnership, LineStyle> = { "owns both": "solid", "owns self": "dashed", "no hook": "dotted" };
export const OWNERSHIP_COLOR: Record<ViewOwnership, string> = { "owns both": "#1e63c4", "owns self": "#2e7d32", "no hook": "#8a8a8a" };
const UNCHANGED_LINE = "#b8b8b8";
const NEUTRAL = "#455a64";

export function nodeLook(n: ViewNode): NodeLook {
  const status = n.status ?? "up";
  const fill = n.kind === "product" ? "#e8eef7" : STATUS_FILL[status];
  if (n.change) return { fill, border: CHANGE_COLOR[n.change], borderWidth: 3, dashed: n.change === "delete" };
  return { fill, border: n.kind === "product" ? NEUTRAL : STATUS_LINE[status], borderWidth: 1.2, dashed: status === "not applied" };
}

export function edgeLook(e: ViewEdge, planOverlay: boolean): EdgeLook {
  if (e.ownership) {
    return { color: OWNERSHIP_COLOR[e.ownership], width: e.explicit ? 2 : 1.2, style: OWNERSHIP_STYLE[e.ownership] };
  }
  if (e.change) return { color: CHANGE_COLOR[e.change], width: 3, style: e.change === "delete" ? "dashed" : "solid" };
  const status = e.status ?? "up";
  if (planOverlay) return { color: UNCHANGED_LINE, width: 1.2, style: "solid" };
  return { color: STATUS_LINE[status], width: 1.5, style: status === "not applied" ? "dashed" : "solid" };
}

/** One legend line: a sample node (fill/border) or a sample edge (colour/style), and its meaning. */
export type LegendEntry =
  | { kind: "node"; text: string; fill: string; border: string; borderWidth: number; dashed: boolean }
  | { kind: "edge"; text: string; color: string; width: number; style: LineStyle };

/** What the colours and line styles of this view mean. */
export function legendOf(view: GraphView): LegendEntry[] {
  if (view.kind === "capabilities") {
    return [
      { kind: "edge", text: "owns both: one side sets up the whole link (solid)", color: OWNERSHIP_COLOR["owns both"], width: 1.2, style: "solid" },
      { kind: "edge", text: "owns self: each side sets up its end (dashed)", color: OWNERSHIP_COLOR["owns self"], width: 1.2, style: "dashed" },
      { kind: "edge", text: "no hook: theoretical only (dotted)", color: OWNERSHIP_COLOR["no hook"], width: 1.2, style: "dotted" },
      { kind: "edge", text: "thick: explicit integration (YAML)", color: NEUTRAL, width: 2, style: "solid" },
    ];
  }
  const out: LegendEntry[] = (Object.keys(STATUS_FILL) as ViewStatus[]).map((s) => ({
    kind: "node", text: `instance ${s}`, fill: STATUS_FILL[s], border: STATUS_LINE[s], borderWidth: 1.2, dashed: s === "not applied",
  }));
  if (!view.planOverlay) {
    for (const s of Object.keys(STATUS_LINE) as ViewStatus[]) {
      out.push({ kind: "edge", text: `plug ${s}`, color: STATUS_LINE[s], width: 1.5, style: s === "not applied" ? "dashed" : "solid" });
    }
    return out;
  }
  for (const c of Object.keys(CHANGE_COLOR) as ViewChange[]) {
    out.push({ kind: "edge", text: `${CHANGE_MARK[c]} plan: ${c} (node border, plug line)`, color: CHANGE_COLOR[c], width: 3, style: c === "delete" ? "dashed" : "solid" });
  }
  out.push({ kind: "edge", text: "unchanged by the plan", color: UNCHANGED_LINE, width: 1.2, style: "solid" });
  return out;
}

/** Lines of a node's label: `[mark] name`, then the sublabel. */
export function nodeLabelLines(n: ViewNode): string[] {
  const mark = n.change ? `${CHANGE_MARK[n.change]} ` : "";
  return [`${mark}${n.label}`, ...(n.sublabel ? [n.sublabel] : [])];
}

export function edgeLabelText(e: ViewEdge): string {
  return `${e.change ? `${CHANGE_MARK[e.change]} ` : ""}${e.label}`;
}
