import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import type { Command } from "commander";
import { MeshroomError } from "../../errors/index.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import { describeUntrusted } from "../../mesh/trust.js";
import { readSavedPlan } from "../../plan/plan-file.js";
import { readStateStatuses } from "../../engine/deploy/state-addresses.js";
// graphview loads the Graphviz wasm module only when an svg/html is rendered.
import {
  type GraphFormat, GRAPH_FORMATS, type GraphView, type Openness, type PlanOverlayChange,
  buildCapabilityView, buildMeshView, capabilityOpenness, renderView,
} from "../../graphview/index.js";
import { loadProject } from "../../project/load.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";

interface GraphFlags {
  mesh?: boolean;
  capabilities?: boolean;
  format?: string;
  plan?: string;
  stats?: boolean;
  json?: boolean;
  out?: string;
}

const EXTENSIONS: Record<string, GraphFormat> = {
  ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".svg": "svg", ".html": "html", ".htm": "html",
};

/** `--format`, else the `-o` file's extension, else dot. */
export function graphFormatOf(format: string | undefined, out: string | undefined): GraphFormat {
  if (format !== undefined) {
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
      throw new MeshroomError("E_USAGE", `--format must be one of ${GRAPH_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
    }
    return format as GraphFormat;
  }
  return (out !== undefined ? EXTENSIONS[extname(out).toLowerCase()] : undefined) ?? "dot";
}

function percent(k: number, n: number): string {
  return n === 0 ? "n/a" : `${((100 * k) / n).toFixed(1)}%`;
}

export function renderOpennessText(o: Openness): string[] {
  return [
    `products: ${o.products}`,
    `ordered pairs of distinct products: ${o.possiblePairs}`,
    `openness (pairs that can interoperate, setup hooks present): ${o.settable}/${o.possiblePairs} = ${percent(o.settable, o.possiblePairs)}`,
    `openness (theoretical, matching capabilities whatever the hooks): ${o.theoretical}/${o.possiblePairs} = ${percent(o.theoretical, o.possiblePairs)}`,
  ];
}

async function meshView(root: string, planFile: string | undefined): Promise<GraphView> {
  const { withMeshOf } = await import("../../engine/deploy/code-mesh.js");
  const { project } = await withMeshOf(await loadProject(root));
  let plan: PlanOverlayChange[] | undefined;
  let title = `meshroom mesh: ${project.instances.size} instances, ${project.plugs.length} plugs`;
  if (planFile !== undefined) {
    const saved = await readSavedPlan(resolve(planFile));
    plan = saved.plan.changes;
    const s = saved.plan.summary;
    title += ` (plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy)`;
  }
  return buildMeshView({
    instances: project.instances.values(), products: project.products, plugs: project.plugs,
    statuses: await readStateStatuses(root, project.settings), ...(plan ? { plan } : {}), title,
  });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("graph")
    .description("draw the mesh (instances and plugs) or the capability graph (products and integrations)")
    .option("--mesh", "instances and plugs, with their state (default)")
    .option("--capabilities", "products and their possible integrations, by setup ownership")
    .option("--format <format>", `${GRAPH_FORMATS.join(" | ")} (default: from the -o extension, else dot)`)
    .option("--plan <FILE>", "overlay a plan saved by `meshroom plan -o FILE` (mesh only)")
    .option("--stats", "with --capabilities: print the capability graph's density (openness) instead of drawing")
    .option("--json", "with --stats: print JSON")
    .option("-o, --out <FILE>", "write to FILE instead of stdout")
    .action(async (flags: GraphFlags) => {
      if (flags.mesh && flags.capabilities) throw new MeshroomError("E_USAGE", "choose one of --mesh and --capabilities");
      if (flags.capabilities && flags.plan !== undefined) {
        throw new MeshroomError("E_USAGE", "--plan colours the mesh; it cannot be used with --capabilities", { detail: "run `meshroom graph --mesh --plan FILE`" });
      }
      if (flags.stats && !flags.capabilities) {
        throw new MeshroomError("E_USAGE", "--stats measures the capability graph", { detail: "run `meshroom graph --capabilities --stats`" });
      }
      const format = graphFormatOf(flags.format, flags.out);
      const root = projectRoot(ctx);
      let view: GraphView;
      if (flags.capabilities) {
        const { graph, notLoaded } = await loadMesh(root, { untrusted: "skip" });
        for (const t of notLoaded) ctx.err(`Note: ${describeUntrusted(t)}: what its hook files add is not shown (untrusted: meshroom trust ${t.product})`);
        if (flags.stats) {
          const o = capabilityOpenness(graph);
          if (flags.json) ctx.out(JSON.stringify(o, null, 2));
          else for (const line of renderOpennessText(o)) ctx.out(line);
          return;
        }
        view = buildCapabilityView(graph, `meshroom capability graph: ${graph.products.size} products`);
      } else {
        view = await meshView(root, flags.plan);
      }
      const text = await renderView(view, format);
      if (flags.out === undefined) {
        ctx.out(text.replace(/\n$/, ""));
        return;
      }
      const file = resolve(flags.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      ctx.out(`Wrote ${flags.out} (${format}, ${view.nodes.length} nodes, ${view.edges.length} edges)`);
    });
}
