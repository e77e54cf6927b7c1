import type { Command } from "commander";
import { type Diagnostic, formatDiagnostic, isMeshroomError } from "../../errors/index.js";
import { relative } from "node:path";
import { describeUntrusted, untrustedIn, withoutHookFilesOf } from "../../mesh/trust.js";
import { collectHooks } from "../../hooks/index.js";
import type { Project } from "../../project/project.js";
import { initProject } from "../../engine/author/init-project.js";
import { loadProjectWithDiagnostics } from "../../project/load.js";
import type { CliContext } from "../context.js";
import { terminalSafe } from "../../util/terminal-safe.js";
import { projectRoot } from "../project-root.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("create a meshroom project (a git repository) in PATH, or adopt the git repository there (its files are kept); a no-op on an existing project")
    .argument("[path]", "project directory", ".")
    .option("--commit", "commit the files init wrote (a first commit in a new repository)")
    .option("--code", "the mesh is a TypeScript program (main.ts, CDKTF constructs) with its package.json; meshroom is packed into vendor/")
    .action(async (path: string, flags: { commit?: boolean; code?: boolean }) => {
      const r = await initProject(path === "." ? ctx.globals().path : path, { commit: flags.commit === true, code: flags.code === true });
      if (!r.created) {
        ctx.out(`${r.root} is already a meshroom project: nothing to do.`);
        return;
      }
      for (const w of r.warnings) ctx.err(`Warning: ${w}`);
      const how = r.adopted ? " (in the existing git repository; its files were kept)" : r.gitInitialized ? " (git repository created)" : "";
      ctx.out(`Initialized a meshroom project in ${r.root}${how}.`);
      if (r.committed) ctx.out("Committed the project files (\"meshroom init\").");
      if (flags.code) {
        ctx.out("Next: `npm install` there (meshroom comes from vendor/, never the registry package called meshroom: that name is another project),");
        ctx.out("then `npx meshroom create product NAME --from TEMPLATE`, `npx meshroom get`, and write the mesh in main.ts.");
      } else {
        ctx.out("Next: `meshroom create product NAME --from TEMPLATE`, then `meshroom add PRODUCT NAME`.");
      }
    });

  program
    .command("validate")
    .description("load every file of the project, trusted hook files included (their top level runs, their hooks do not), and report every problem at once")
    .option("--no-hooks", "import no hook file at all (for CI on changes nobody has reviewed yet)")
    .option("--json", "print the problems as JSON")
    .action(async (opts: { json?: boolean; hooks: boolean }) => {
      const root = projectRoot(ctx);
      const loaded = await loadProjectWithDiagnostics(root);
      const diagnostics = loaded.diagnostics;
      const hooks = opts.hooks ? await checkHooks(loaded.project) : skipHooks(loaded.project);
      diagnostics.push(...hooks.diagnostics);
      const mesh = await checkCodeMesh(loaded.project, diagnostics.length === 0);
      diagnostics.push(...mesh.diagnostics);
      hooks.warnings.push(...mesh.warnings);
      const project = mesh.project;
      if (opts.json) {
        ctx.out(JSON.stringify({ valid: diagnostics.length === 0, diagnostics, warnings: hooks.warnings, ...(hooks.notLoaded.length > 0 ? { notLoaded: hooks.notLoaded } : {}) }, null, 2));
      } else {
        for (const w of hooks.warnings) ctx.err(`Warning: ${terminalSafe(w)}`);
        if (diagnostics.length === 0) {
          ctx.out(
            `The project is valid: ${project.products.size} products, ${project.integrations.length} explicit integrations, ` +
              `${project.instances.size} instances, ${project.plugs.length} plugs, ` +
              (opts.hooks ? `${hooks.count} hooks.` : `hook files not loaded (--no-hooks).`),
          );
        } else {
          ctx.err(`${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} found:`);
          for (const d of diagnostics) ctx.err(`  ${terminalSafe(formatDiagnostic(d)).split("\n").join("\n  ")}`);
        }
      }
      if (diagnostics.length) process.exitCode = 1;
    });
}

interface HookCheck {
  count: number;
  warnings: string[];
  diagnostics: Diagnostic[];
  /** Hook files left out, and why. */
  notLoaded: Array<{ file: string; reason: string }>;
}

/**
 * Imports every trusted hook file (registering, never running, the hooks) and turns what is
 * wrong into diagnostics. Untrusted products' hook files are not imported (their top level
 * would run): each is a warning naming `meshroom trust`.
 */
async function checkHooks(project: Project): Promise<HookCheck> {
  const untrusted = untrustedIn(project);
  const { files, left } = withoutHookFilesOf(project.hookFiles, new Set(untrusted.map((t) => t.product)));
  const { registry, problems } = await collectHooks({
    root: project.root, products: [...project.products.values()], integrations: project.integrations, files,
  });
  const notLoaded = left.map(({ product, file }) => ({ file: relative(project.root, file), reason: `untrusted: meshroom trust ${product}` }));
  const warnings = [
    ...untrusted.map((t) => `${describeUntrusted(t)}: its hook files are not loaded (untrusted: meshroom trust ${t.product})`),
    ...notLoaded.map((n) => `${n.file}: not loaded (${n.reason})`),
    ...registry.warnings,
  ];
  return { count: registry.size, warnings, diagnostics: problems, notLoaded };
}

/**
 * A code mesh (cdktf.json runs the project's own app) is checked by synthesizing it: what
 * its constructs refuse (the YAML loader's rules, impossible plugs) becomes diagnostics, and
 * its instances and plugs are counted. Skipped while the project itself has problems (the app
 * loads it). YAML instances that the code mesh ignores are a warning.
 */
async function checkCodeMesh(project: Project, projectValid: boolean): Promise<{ project: Project; diagnostics: Diagnostic[]; warnings: string[] }> {
  const { codeMeshOf, withMeshOf } = await import("../../engine/deploy/code-mesh.js");
  const code = codeMeshOf(project.root);
  if (!code) return { project, diagnostics: [], warnings: [] };
  const warnings = project.instances.size > 0 || project.plugs.length > 0
    ? [`instances/ holds ${project.instances.size} YAML instances and ${project.plugs.length} plugs that this code mesh (${code.file}) ignores`]
    : [];
  if (!projectValid) return { project, diagnostics: [], warnings };
  try {
    return { project: (await withMeshOf(project)).project, diagnostics: [], warnings };
  } catch (e) {
    if (!isMeshroomError(e)) throw e;
    const first: Diagnostic = { summary: e.message, location: { file: code.file }, ...(e.detail !== undefined ? { detail: e.detail } : {}) };
    return { project, diagnostics: [first, ...e.diagnostics.map((d) => ({ ...d, location: d.location ?? { file: code.file } }))], warnings };
  }
}

/** `validate --no-hooks`: no hook file is imported, whoever wrote it; what the lock does not cover is still said. */
function skipHooks(project: Project): HookCheck {
  const all = [...[...project.hookFiles.products.values()].flat(), ...project.hookFiles.integrations.map((h) => h.file)].sort();
  const warnings = untrustedIn(project).map((t) => `${describeUntrusted(t)}: its hook code would not run (untrusted: meshroom trust ${t.product})`);
  return { count: 0, warnings, diagnostics: [], notLoaded: all.map((f) => ({ file: relative(project.root, f), reason: "--no-hooks" })) };
}
