import type { GraphView } from "./model.js";
import { type LineStyle, edgeLabelText, edgeLook, legendOf, nodeLabelLines, nodeLook } from "./theme.js";

/**
 * Text inside a mermaid `"…"` label: `#` first (it starts entity codes), then quotes and angle
 * brackets as entity codes; line breaks become `<br/>`.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\r?\n/g, "<br/>");
}

const DASH: Record<LineStyle, string> = { solid: "", dashed: ",stroke-dasharray:6 4", dotted: ",stroke-dasharray:2 3" };

/**
 * A mermaid flowchart of a view (left to right). Node ids are positional (`n0`, `n1`, …) so any
 * name is safe; names and labels are escaped. Styles per node (`style`) and per edge
 * (`linkStyle`, by link index), and a legend subgraph.
 */
export function renderMermaid(view: GraphView, opts: { legend?: boolean } = {}): string {
  const ids = new Map<string, string>();
  view.nodes.forEach((n, i) => ids.set(n.id, `n${i}`));
  const lines = ["---", `title: ${JSON.stringify(view.title)}`, "---", "flowchart LR"];
  const styles: string[] = [];
  view.nodes.forEach((n, i) => {
    const look = nodeLook(n);
    lines.push(`  n${i}["${mermaidText(nodeLabelLines(n).join("\n"))}"]`);
    styles.push(`  style n${i} fill:${look.fill},stroke:${look.border},stroke-width:${look.borderWidth}px${look.dashed ? DASH.dashed : ""}`);
  });
  let link = 0;
  view.edges.forEach((e) => {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from === undefined || to === undefined) return;
    const look = edgeLook(e, view.planOverlay);
    lines.push(`  ${from} -->|"${mermaidText(edgeLabelText(e))}"| ${to}`);
    styles.push(`  linkStyle ${link++} stroke:${look.color},stroke-width:${look.width}px${DASH[look.style]}`);
  });
  if (opts.legend !== false) {
    lines.push(`  subgraph legend["Legend"]`, "    direction LR");
    legendOf(view).forEach((e, i) => {
      if (e.kind === "node") {
        lines.push(`    lg${i}["${mermaidText(e.text)}"]`);
        styles.push(`  style lg${i} fill:${e.fill},stroke:${e.border},stroke-width:${e.borderWidth}px${e.dashed ? DASH.dashed : ""}`);
      } else {
        lines.push(`    lga${i}[" "] -->|"${mermaidText(e.text)}"| lgb${i}[" "]`);
        styles.push(`  style lga${i} fill:none,stroke:none`, `  style lgb${i} fill:none,stroke:none`);
        styles.push(`  linkStyle ${link++} stroke:${e.color},stroke-width:${e.width}px${DASH[e.style]}`);
      }
    });
    lines.push("  end");
  }
  return `${[...lines, ...styles].join("\n")}\n`;
}
