import { relative } from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";

interface SynthFlags {
  out?: string;
  cdktfApp?: boolean;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("synth")
    .description("write the desired document (cdktf.out/stacks/<stack>/cdk.tf.json) as `cdktf synth` would, without the cdktf CLI")
    .option("--out <DIR>", "output directory (default: cdktf.json's output, else cdktf.out)")
    .option("--cdktf-app", "act as the cdktf app of this project: write into $CDKTF_OUTDIR, print nothing")
    .option("--json", "print the document instead of a summary")
    .action(async (flags: SynthFlags) => {
      const root = projectRoot(ctx);
      const { synthProject } = await import("../../engine/deploy/synth-project.js");
      const outdir = flags.out ?? (flags.cdktfApp ? ctx.io.env.CDKTF_OUTDIR : undefined);
      const r = await synthProject(root, outdir !== undefined ? { outdir } : {});
      if (flags.cdktfApp) return;
      if (flags.json) {
        ctx.out(JSON.stringify(r.document, null, 2));
        return;
      }
      const res = r.document.resource ?? {};
      const n = (o: object | undefined) => Object.keys(o ?? {}).length;
      ctx.out(`Synthesized stack ${r.stack} (${r.source === "yaml" ? "YAML instances" : "the project's cdktf app"}): ${n(res.meshroom_instance)} instances, ${n(res.meshroom_plug)} plugs`);
      ctx.out(`  ${relative(process.cwd(), r.file) || r.file}`);
    });

  program
    .command("get")
    .description("generate typed classes for the project's products into .gen/ (for meshes written in TypeScript)")
    .option("--out <DIR>", "output directory (default: .gen)")
    .action(async (flags: { out?: string }) => {
      const root = projectRoot(ctx);
      const { generateBindings } = await import("../../engine/deploy/generate-bindings.js");
      const r = await generateBindings(root, flags.out !== undefined ? { outdir: flags.out } : {});
      ctx.out(`Generated ${r.resourceTypes.length} product binding${r.resourceTypes.length === 1 ? "" : "s"} into ${relative(process.cwd(), r.outdir) || r.outdir}/providers/meshroom`);
      for (const t of r.resourceTypes) ctx.out(`  ${t}`);
      if (r.skipped.length) ctx.err(`warning: no binding for ${r.skipped.join(", ")}: their names differ only by '.' and '_'`);
    });
}
