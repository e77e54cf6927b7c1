import { renderDot } from "./dot.js";
import { buildHtmlPage } from "./html.js";
import { renderMermaid } from "./mermaid.js";
import type { GraphView } from "./model.js";
import { renderSvg } from "./svg.js";

export const GRAPH_FORMATS = ["dot", "mermaid", "svg", "html"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** A view in one format. Only `svg` and `html` load the Graphviz wasm module. */
export async function renderView(view: GraphView, format: GraphFormat): Promise<string> {
  switch (format) {
    case "dot":
      return renderDot(view);
    case "mermaid":
      return renderMermaid(view);
    case "svg":
      return renderSvg(renderDot(view));
    case "html":
      return buildHtmlPage(view, await renderSvg(renderDot(view)));
  }
}
