/**
 * DOT → SVG in-process with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`, the
 * wasm ships inside the package: nothing is downloaded, no system graphviz is needed). The
 * module is imported on first use only, so commands that draw nothing never pay for it.
 */
interface GraphvizEngine {
  dot(src: string, format?: "svg"): string;
  version(): string;
}

let _engine: Promise<GraphvizEngine> | undefined;

function loadGraphviz(): Promise<GraphvizEngine> {
  _engine ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
  return _engine;
}

/** Lays out DOT with the `dot` engine and returns the SVG document text. */
export async function renderSvg(dot: string): Promise<string> {
  const gv = await loadGraphviz();
  return gv.dot(dot, "svg");
}

/** Version of the bundled Graphviz (for `--debug` and tests). */
export async function graphvizVersion(): Promise<string> {
  return (await loadGraphviz()).version();
}
