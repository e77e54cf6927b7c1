import type { Command } from "commander";
import { pullProduct, publishProduct } from "../../engine/live/pull-publish-operation.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import type { CliContext } from "../context.js";
import { cliHookDeps, formatValue } from "../hook-deps.js";
import { parseRole } from "../options.js";
import { projectRoot } from "../project-root.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("pull")
    .description("run PRODUCT's pull hooks (import a catalog of products and integrations)")
    .argument("<product>")
    .action(async (product: string) => {
      const root = projectRoot(ctx);
      const deps = cliHookDeps(ctx, root);
      try {
        const r = await pullProduct(await loadMesh(root, { hooksOf: () => [product] }), product, deps);
        for (const h of r.hooks) ctx.out(`${h.title}: ${h.value === undefined ? "done" : formatValue(h.value)}`);
        ctx.out(r.changes.length ? r.changes.map((c) => `  ${c}`).join("\n") : "No files changed.");
        if (r.pulled.length > 0) {
          ctx.err(`Pulled code does not run until trusted: review products/${r.pulled.length === 1 ? r.pulled[0] : `{${r.pulled.join(",")}}`}/, then run \`meshroom trust ${r.pulled.join(" ")}\``);
        }
      } finally {
        deps.dispose();
      }
    });

  program
    .command("publish")
    .description("run publish hooks for every matching explicit integration of PRODUCT")
    .argument("<product>")
    .argument("[target]")
    .argument("[topic]")
    .argument("[role]")
    .action(async (product: string, target: string | undefined, topic: string | undefined, role: string | undefined) => {
      const root = projectRoot(ctx);
      const deps = cliHookDeps(ctx, root);
      try {
        const rows = await publishProduct(await loadMesh(root, { hooksOf: () => [product] }), { product, ...(target ? { target } : {}), ...(topic ? { topic } : {}), ...(role ? { role: parseRole(role) } : {}) }, deps);
        for (const r of rows) ctx.out(`${r.integration} (${r.title}): ${r.value === undefined ? "published" : formatValue(r.value)}`);
      } finally {
        deps.dispose();
      }
    });
}
