import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { parseRole } from "../options.js";
import { projectRoot } from "../project-root.js";
import { renderTable } from "../views/table.js";

/** `list integrations [product] [target] [--topic T] [--role R]`: explicit and generic, with ownership. */
export function registerListIntegrations(list: Command, ctx: CliContext): void {
  list
    .command("integrations")
    .argument("[product]")
    .argument("[target]")
    .option("--topic <topic>")
    .option("--role <role>")
    .option("--json", "print JSON")
    .action(async (product: string | undefined, target: string | undefined, opts: { topic?: string; role?: string; json?: boolean }) => {
      // loaded here only: `list products` must not pay for the capability graph and the hook loader
      const [{ listIntegrations, sameIntegration }, { loadMesh }, { describeUntrusted }] = await Promise.all([
        import("../../capabilities/index.js"), import("../../mesh/load-mesh.js"), import("../../mesh/trust.js"),
      ]);
      // an untrusted product's hook files are not imported: its rows show what its YAML declares
      const { project, graph, notLoaded } = await loadMesh(projectRoot(ctx), { untrusted: "skip" });
      const untrusted = new Set(notLoaded.map((t) => t.product));
      const mark = (...products: string[]) => {
        const u = products.filter((p) => untrusted.has(p));
        return u.length > 0 ? `not loaded (untrusted: meshroom trust ${u.join(" ")})` : undefined;
      };
      const rows = listIntegrations(graph, {
        ...(product ? { product } : {}),
        ...(target ? { target } : {}),
        ...(opts.topic ? { topic: opts.topic } : {}),
        ...(opts.role ? { role: parseRole(opts.role) } : {}),
      }).map((i) => {
        const plugs = project.plugs.filter((p) => [p.srcIntegration, p.dstIntegration].some((r) => r !== undefined && sameIntegration(r, i)));
        const hooksNotLoaded = mark(i.product, i.target);
        return {
          product: i.product, target: i.target, topic: i.topic, role: i.role, mode: i.mode, format: i.format ?? null,
          type: i.explicit ? "explicit" : "generic", ownership: i.ownership,
          hooks: i.hooks.map((h) => ({ kind: h.kind, title: h.title, source: h.source })),
          ...(hooksNotLoaded ? { hooksNotLoaded } : {}),
          plugs: plugs.map((p) => `${p.src}->${p.dst}`),
        };
      });
      for (const t of notLoaded) ctx.err(`Note: ${describeUntrusted(t)}: what its hook files add is not shown (untrusted: meshroom trust ${t.product})`);
      if (opts.json) return ctx.out(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return ctx.out("No integrations. Products interoperate when their capabilities match (`meshroom create integration …`).");
      ctx.out(renderTable(["product", "target", "topic", "role", "mode", "format", "type", "setup", "plugs"],
        rows.map((r) => [r.product, r.target, r.topic, r.role, r.mode, r.format ?? "", r.type, r.hooksNotLoaded ?? r.ownership, String(r.plugs.length)])));
    });
}
