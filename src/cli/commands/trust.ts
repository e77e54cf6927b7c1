import type { Command } from "commander";
import { trustProducts, type TrustedProduct } from "../../mesh/trust.js";
import { TRUST_LOCK_FILE } from "../../project/trust-lock.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("trust")
    .description(`record PRODUCT's hook code as reviewed in ${TRUST_LOCK_FILE}, so meshroom may run it (prints what changed since it was last trusted)`)
    .argument("<product...>")
    .option("--json", "print what was recorded as JSON")
    .action(async (products: string[], opts: { json?: boolean }) => {
      const rows = await trustProducts(projectRoot(ctx), products);
      if (opts.json) {
        ctx.out(JSON.stringify({ lock: TRUST_LOCK_FILE, products: rows }, null, 2));
        return;
      }
      for (const r of rows) for (const line of summaryLines(r)) ctx.out(line);
      if (rows.some((r) => !r.unchanged)) ctx.out(`Recorded in ${TRUST_LOCK_FILE}: commit it with the products.`);
    });
}

/** A diff-like summary: `+` added, `~` changed (old → new hash), `-` removed. */
function summaryLines(r: TrustedProduct): string[] {
  const from = r.source !== undefined ? ` (from ${r.source})` : "";
  if (r.unchanged) return [`${r.product}${from}: unchanged since last trusted`];
  const width = Math.max(...r.changes.map((c) => c.file.length));
  const short = (h: string | undefined) => (h ?? "").replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, "$1…");
  return [
    `Trusted ${r.product}${from}: ${r.changes.length} file${r.changes.length === 1 ? "" : "s"} ${r.changes.every((c) => c.change === "added") ? "recorded" : "changed since last trusted"}`,
    ...r.changes.map((c) => {
      const name = c.file.padEnd(width);
      if (c.change === "added") return `  + ${name}  ${short(c.current)}`;
      if (c.change === "removed") return `  - ${name}  ${short(c.trusted)}`;
      return `  ~ ${name}  ${short(c.trusted)} → ${short(c.current)}`;
    }),
  ];
}
