import type { GraphView } from "./model.js";
import { type LegendEntry, type LineStyle, edgeLabelText, edgeLook, legendOf, nodeLabelLines, nodeLook } from "./theme.js";

/** A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** Ids of the SVG elements Graphviz emits for the i-th node / edge (the HTML page maps them back). */
export const nodeElementId = (i: number): string => `mr_n_${i}`;
export const edgeElementId = (i: number): string => `mr_e_${i}`;

function attrs(a: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    parts.push(`${k}=${typeof v === "number" ? String(v) : dotString(v)}`);
  }
  return `[${parts.join(", ")}]`;
}

function htmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const SAMPLE: Record<LineStyle, string> = { solid: "━━━━━━", dashed: "━ ━ ━ ━", dotted: "· · · · · · ·" };

/**
 * The legend: one plain node whose HTML-like label is a table of samples (a filled box for a
 * node style, a coloured line drawn with glyphs for an edge style) and their meanings.
 */
function legendRows(entries: readonly LegendEntry[]): string {
  const rows = entries.map((e) => {
    const sample = e.kind === "node"
      ? `<TD BGCOLOR="${e.fill}" COLOR="${e.border}" BORDER="${e.borderWidth > 2 ? 3 : 1}" STYLE="rounded${e.dashed ? ",dashed" : ""}" WIDTH="36"> </TD>`
      : `<TD BORDER="0"><FONT COLOR="${e.color}" POINT-SIZE="${e.width > 1.5 ? 11 : 9}">${e.width > 1.5 ? "<B>" : ""}${SAMPLE[e.style]}${e.width > 1.5 ? "</B>" : ""}</FONT></TD>`;
    return `<TR>${sample}<TD BORDER="0" ALIGN="LEFT">${htmlText(e.text)}&#160;&#160;&#160;</TD></TR>`;
  });
  const table = `<TABLE BORDER="1" COLOR="#b0b0b0" BGCOLOR="#ffffff" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3" STYLE="rounded"><TR><TD COLSPAN="2" BORDER="0"><B>Legend</B></TD></TR>${rows.join("")}</TABLE>`;
  // rank=sink: in the last column (left-to-right layout), beside the graph rather than above it
  return `  { rank=sink; "_legend" [id="mr_legend", class="mr_legend", shape="plain", style="solid", fontsize=9, label=<${table}>]; }`;
}

/**
 * Graphviz DOT of a view: left-to-right layout, one quoted id per node (ids and labels escaped),
 * styles from the theme, element ids `mr_n_<i>` / `mr_e_<i>` for the HTML page, and a legend
 * cluster. Deterministic for a given view.
 */
export function renderDot(view: GraphView, opts: { legend?: boolean } = {}): string {
  const lines = [
    `digraph ${dotString(view.title)} {`,
    `  graph ${attrs({ rankdir: "LR", label: view.title, labelloc: "t", fontname: "Helvetica", fontsize: 16, nodesep: 0.35, ranksep: 0.9, bgcolor: "white", pad: 0.3 })};`,
    `  node ${attrs({ shape: "box", style: "rounded,filled", fontname: "Helvetica", fontsize: 11, margin: "0.15,0.06" })};`,
    `  edge ${attrs({ fontname: "Helvetica", fontsize: 9, arrowsize: 0.7 })};`,
  ];
  view.nodes.forEach((n, i) => {
    const look = nodeLook(n);
    const classes = ["mr_node", `mr_${n.kind}`, ...(n.status ? [`mr_status_${n.status.replace(/ /g, "_")}`] : []), ...(n.change ? [`mr_change_${n.change}`] : [])];
    lines.push(`  ${dotString(n.id)} ${attrs({
      id: nodeElementId(i), class: classes.join(" "), label: nodeLabelLines(n).join("\n"),
      style: `rounded,filled${look.dashed ? ",dashed" : ""}`, fillcolor: look.fill, color: look.border, penwidth: look.borderWidth,
      tooltip: [n.label, n.sublabel ?? "", n.status ?? "", n.change ? `plan: ${n.change}` : ""].filter((s) => s !== "").join(" · "),
    })};`);
  });
  view.edges.forEach((e, i) => {
    const look = edgeLook(e, view.planOverlay);
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} ${attrs({
      id: edgeElementId(i), class: "mr_edge", label: edgeLabelText(e), color: look.color, fontcolor: look.color === "#b8b8b8" ? "#777777" : look.color,
      penwidth: look.width, style: look.style, tooltip: e.title ?? e.label,
    })};`);
  });
  if (opts.legend !== false) lines.push(legendRows(legendOf(view)));
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
