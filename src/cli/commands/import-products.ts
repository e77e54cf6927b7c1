import type { Command } from "commander";
import { importProducts, type ImportedProduct } from "../../engine/author/import-products-operation.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("import-products")
    .description("copy products (with integrations and hook files) from another meshroom project or a catalog git repository")
    .argument("<source>", "a folder with products/ (a meshroom project, a catalog checkout) or a git URL / bare repository")
    .option("--only <product...>", "import only these products (repeatable, or comma-separated)")
    .option("--force", "overwrite local files that differ from the source")
    .option("--json", "print the result as JSON")
    .action(async (source: string, opts: { only?: string[]; force?: boolean; json?: boolean }) => {
      const ctl = new AbortController();
      const onSignal = () => ctl.abort(new Error("interrupted"));
      process.once("SIGINT", onSignal);
      try {
        const only = (opts.only ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
        const r = await importProducts(projectRoot(ctx), source, { only, force: opts.force === true, signal: ctl.signal });
        if (opts.json) {
          ctx.out(JSON.stringify(r, null, 2));
          return;
        }
        ctx.out(`Imported from ${r.source}:`);
        for (const p of r.products) ctx.out(`  ${line(p)}`);
        const skipped = [...new Set(r.products.flatMap((p) => p.skippedTargets))].sort();
        if (skipped.length > 0) {
          ctx.err(`Left out integrations towards ${skipped.join(", ")}: no such product in this project. Import ${skipped.length === 1 ? "it" : "them"} too (--only ${skipped.join(",")}), then re-run.`);
        }
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
}

function line(p: ImportedProduct): string {
  const n = p.written.length;
  const files = `${n} file${n === 1 ? "" : "s"}`;
  if (p.status === "unchanged") return `unchanged products/${p.name}`;
  if (p.status === "created") return `created   products/${p.name} (${files})`;
  const over = p.overwritten.length ? `, ${p.overwritten.length} overwritten` : "";
  return `updated   products/${p.name} (${files} written${over})`;
}
