import { edgeElementId, nodeElementId } from "./dot.js";
import { PAGE_CSS, PAGE_JS } from "./html-assets.js";
import type { DetailRow, GraphView } from "./model.js";

/** What the page script knows about each drawn element, keyed by its SVG element id. */
export interface PageData {
  nodes: Record<string, { name: string; kind: string; sublabel?: string; details: DetailRow[] }>;
  edges: Record<string, { label: string; from: string; to: string; title: string }>;
}

export function htmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** JSON safe inside a `<script>` element: no `<` survives (so no `</script>`), nor U+2028/9. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function pageDataOf(view: GraphView): PageData {
  const data: PageData = { nodes: {}, edges: {} };
  view.nodes.forEach((n, i) => {
    data.nodes[nodeElementId(i)] = { name: n.id, kind: n.kind, ...(n.sublabel ? { sublabel: n.sublabel } : {}), details: n.details };
  });
  view.edges.forEach((e, i) => {
    data.edges[edgeElementId(i)] = { label: e.label, from: e.from, to: e.to, title: e.title ?? e.label };
  });
  return data;
}

/** The `<svg>` element of a Graphviz SVG document (its XML prolog, doctype and comments dropped). */
export function inlineSvg(svgDocument: string): string {
  const start = svgDocument.indexOf("<svg");
  if (start < 0) throw new Error("not an SVG document: no <svg> element");
  return svgDocument.slice(start).replace(/<!--[\s\S]*?-->\n?/g, "").trim();
}

/**
 * One self-contained HTML page: the SVG inline, the node data as JSON, the stylesheet and the
 * script inline (no network). The side panel shows secret settings by name only: `view` never
 * carries a secret value (see `DetailRow`).
 */
export function buildHtmlPage(view: GraphView, svgDocument: string): string {
  const title = htmlEscape(view.title);
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${PAGE_CSS}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${title}</h1>`,
    '<input id="mr-search" type="search" placeholder="Search nodes (Enter: go to first)" aria-label="Search nodes">',
    '<span id="mr-count"></span>',
    '<button id="mr-reset" type="button">Fit</button>',
    `<span class="mr-hint">${view.nodes.length} nodes · ${view.edges.length} edges · drag to pan, wheel to zoom, click a node</span>`,
    "</header>",
    "<main>",
    `<div id="mr-viewport"><div id="mr-canvas">${inlineSvg(svgDocument)}</div></div>`,
    '<aside id="mr-panel"><p class="mr-hint">Click a node to see its settings.</p></aside>',
    "</main>",
    `<script type="application/json" id="mr-data">${scriptJson(pageDataOf(view))}</script>`,
    `<script>${PAGE_JS}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
