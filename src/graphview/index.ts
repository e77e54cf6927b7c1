// graphview: pictures of a meshroom project. Builds a drawable, format-neutral view of the mesh
// graph (instances + plugs, with their state status and an optional saved-plan overlay) or of
// the capability graph (products + integrations, by setup ownership), computes the capability
// graph's density ("openness"), and renders a view as Graphviz DOT, mermaid, SVG (Graphviz
// compiled to WebAssembly, loaded on first use) or one self-contained interactive HTML page.
// Pure except `renderSvg` (loads the wasm module); no file I/O, no printing.
// May import: capabilities, model.
export type { DetailRow, GraphView, ViewChange, ViewEdge, ViewNode, ViewOwnership, ViewStatus } from "./model.js";
export { type MeshViewInput, type PlanOverlayChange, buildMeshView, instanceDetails, plugLabel, viewStatusOf } from "./mesh-model.js";
export { buildCapabilityView, integrationEdge, productDetails } from "./capability-model.js";
export { type Openness, capabilityOpenness, pairInterop } from "./openness.js";
export { type LegendEntry, type LineStyle, CHANGE_COLOR, OWNERSHIP_STYLE, legendOf } from "./theme.js";
export { dotString, edgeElementId, nodeElementId, renderDot } from "./dot.js";
export { mermaidText, renderMermaid } from "./mermaid.js";
export { renderSvg, graphvizVersion } from "./svg.js";
export { type PageData, buildHtmlPage, htmlEscape, inlineSvg, pageDataOf, scriptJson } from "./html.js";
export { type GraphFormat, GRAPH_FORMATS, renderView } from "./render-graph.js";
