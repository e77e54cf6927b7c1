import type { Command } from "commander";
import { type Diagnostic, formatDiagnostic } from "../../errors/index.js";
import { collectHooks } from "../../hooks/index.js";
import type { Project } from "../../project/project.js";
import { initProject } from "../../engine/init.js";
import { loadProjectWithDiagnostics } from "../../project/load.js";
import type { CliContext } from "../context.js";
import { terminalSafe } from "../../util/terminal-safe.js";
import { projectRoot } from "../project-root.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("create a meshroom project (a git repository) in PATH; a no-op on an existing project")
    .argument("[path]", "project directory", ".")
    .action(async (path: string) => {
      const r = await initProject(path === "." ? ctx.globals().path : path);
      if (!r.created) {
        ctx.out(`${r.root} is already a meshroom project: nothing to do.`);
        return;
      }
      for (const w of r.warnings) ctx.err(`Warning: ${w}`);
      ctx.out(`Initialized a meshroom project in ${r.root}${r.gitInitialized ? " (git repository created)" : ""}.`);
      ctx.out("Next: `meshroom create product NAME --from TEMPLATE`, then `meshroom add PRODUCT NAME`.");
    });

  program
    .command("validate")
    .description("load every file of the project, hook files included (their hooks are not run), and report every problem at once")
    .option("--json", "print the problems as JSON")
    .action(async (opts: { json?: boolean }) => {
      const root = projectRoot(ctx);
      const { project, diagnostics } = await loadProjectWithDiagnostics(root);
      const hooks = await checkHooks(project);
      diagnostics.push(...hooks.diagnostics);
      if (opts.json) {
        ctx.out(JSON.stringify({ valid: diagnostics.length === 0, diagnostics, warnings: hooks.warnings }, null, 2));
      } else {
        for (const w of hooks.warnings) ctx.err(`Warning: ${terminalSafe(w)}`);
        if (diagnostics.length === 0) {
          ctx.out(
            `The project is valid: ${project.products.size} products, ${project.integrations.length} explicit integrations, ` +
              `${project.instances.size} instances, ${project.plugs.length} plugs, ${hooks.count} hooks.`,
          );
        } else {
          ctx.err(`${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} found:`);
          for (const d of diagnostics) ctx.err(`  ${terminalSafe(formatDiagnostic(d)).split("\n").join("\n  ")}`);
        }
      }
      if (diagnostics.length) process.exitCode = 1;
    });
}

/** Imports every hook file (registering, never running, the hooks) and turns what is wrong into diagnostics. */
async function checkHooks(project: Project): Promise<{ count: number; warnings: string[]; diagnostics: Diagnostic[] }> {
  const { registry, problems } = await collectHooks({
    root: project.root, products: [...project.products.values()], integrations: project.integrations, files: project.hookFiles,
  });
  return { count: registry.size, warnings: [...registry.warnings], diagnostics: problems };
}
