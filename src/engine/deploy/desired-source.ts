import { existsSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { ERROR_REPORT_FILE } from "../../../constructs/error-report.js";
import { MeshroomError, type ErrorCode } from "../../errors/index.js";
import { runCommand, stderrTail } from "../../exec/index.js";
import { loadProject } from "../../project/load.js";
import type { Project } from "../../project/project.js";
import { CHILD_COMPILE_CACHE_ENV } from "../../util/compile-cache.js";
import { parseDesiredDocument, projectToDocument, type DesiredDocument } from "../../synth/index.js";
import { type CdktfJson, isMeshroomApp, readCdktfJson } from "./cdktf-json.js";

const ErrorReportSchema = z.object({
  code: z.string(),
  message: z.string(),
  detail: z.string().optional(),
  diagnostics: z.array(z.object({ summary: z.string(), detail: z.string().optional() })).default([]),
});

/** The mesh's problems as the app's MeshStack reported them: the CLI's own error, rebuilt. */
function reportedError(file: string): MeshroomError {
  const r = ErrorReportSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!r.success) return new MeshroomError("E_BAD_MANIFEST", `${file} is not a meshroom error report`);
  const known = r.data.code.startsWith("E_") ? (r.data.code as ErrorCode) : "E_BAD_MANIFEST";
  return new MeshroomError(known, r.data.message, {
    ...(r.data.detail !== undefined ? { detail: r.data.detail } : {}),
    diagnostics: r.data.diagnostics.map((d) => ({ summary: d.summary, ...(d.detail !== undefined ? { detail: d.detail } : {}) })),
  });
}

const ManifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string(), synthesizedStackPath: z.string() }).loose()),
}).loose();

export { readCdktfJson, isMeshroomApp, type CdktfJson } from "./cdktf-json.js";

/**
 * The desired document of the project at `root`, the engine's only input about the mesh.
 * A YAML mesh (no cdktf.json, or meshroom's own app) is built in-process from the loaded
 * project, without loading cdktf (and without zod: the project was checked as it was loaded).
 * A code mesh (any other app: `npx tsx main.ts`, `node main.js`) is run as `cdktf synth`
 * would run it, and its `cdk.tf.json` is parsed.
 */
export async function desiredDocumentFor(root: string, opts: { project?: Project; signal?: AbortSignal } = {}): Promise<DesiredDocument> {
  const config = readCdktfJson(root);
  // built here from a project the loader has checked (trusted inside): not parsed again, which
  // cost as much as the rest of a no-op plan on 450 resources; a code mesh's output is parsed
  if (isMeshroomApp(config?.app)) return projectToDocument(opts.project ?? (await loadProject(root)));
  return (await runMeshApp(root, config!, opts)).document;
}

export interface MeshAppOutput {
  document: DesiredDocument;
  outdir: string;
  stack: string;
  file: string;
}

/**
 * `npx --no-install jiti main.ts` (what `meshroom init --code` writes) run without npx: node
 * and the project's own jiti, found where npx would find it (the nearest node_modules/.bin up
 * from the project). Same program, same arguments; npx itself costs about a second of CPU
 * (and far more wall time on a busy machine). Any other app, or no local jiti: undefined.
 */
function directJitiRun(root: string, app: string): [string, string[]] | undefined {
  if (process.platform === "win32") return undefined;
  const m = /^npx\s+(?:--no-install\s+|--no\s+)?jiti\s+([\w./-]+\.[cm]?[jt]s)\s*$/.exec(app.trim());
  if (!m) return undefined;
  for (let dir = root; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin", "jiti");
    if (existsSync(bin)) return [process.execPath, [realpathSync(bin), m[1]!]];
    if (dirname(dir) === dir) return undefined;
  }
}

/** Runs a code mesh's cdktf app with `CDKTF_OUTDIR` set and reads the stack it synthesized. */
export async function runMeshApp(root: string, config: CdktfJson, opts: { outdir?: string; signal?: AbortSignal; stack?: string } = {}): Promise<MeshAppOutput> {
  const app = config.app ?? "";
  const outdir = resolve(root, opts.outdir ?? config.output ?? "cdktf.out");
  const manifestFile = join(outdir, "manifest.json");
  const reportFile = join(outdir, ERROR_REPORT_FILE);
  for (const f of [manifestFile, reportFile]) rmSync(f, { force: true }); // never read a previous run's output
  const direct = directJitiRun(root, app);
  const [command, args] = direct ?? [process.platform === "win32" ? "cmd" : "sh", [process.platform === "win32" ? "/c" : "-c", app]];
  const run = await runCommand(command, args, {
    cwd: root,
    // the app compiles main.ts itself (`npx jiti main.ts`): never through a shared temp-folder cache
    env: { CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...CHILD_COMPILE_CACHE_ENV },
    timeoutMs: 300_000,
    rejectOnExitCode: false,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (existsSync(reportFile)) throw reportedError(reportFile);
  if (run.exitCode !== 0) {
    const tail = stderrTail(run.stderr.trim());
    throw new MeshroomError("E_EXEC", `the mesh app \`${app}\` exited with code ${run.exitCode}`, { ...(tail ? { detail: tail } : {}) });
  }
  if (!existsSync(manifestFile)) {
    throw new MeshroomError("E_BAD_MANIFEST", `the mesh app \`${app}\` wrote no ${manifestFile}`, {
      detail: "a cdktf app must call app.synth() and honour $CDKTF_OUTDIR (cdktf's App does)",
    });
  }
  const manifest = ManifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
  if (!manifest.success) throw new MeshroomError("E_BAD_MANIFEST", `${manifestFile} is not a cdktf manifest`);
  const stacks = Object.values(manifest.data.stacks);
  const wanted = opts.stack ?? process.env.MESHROOM_STACK;
  const chosen = wanted !== undefined ? stacks.find((s) => s.name === wanted) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    throw new MeshroomError("E_USAGE", wanted !== undefined ? `the mesh app has no stack ${wanted}` : `the mesh app synthesized ${stacks.length} stacks; say which one is the mesh`, {
      detail: `stacks: ${stacks.map((s) => s.name).join(", ") || "none"}; set MESHROOM_STACK=<name>`,
    });
  }
  const file = join(outdir, chosen.synthesizedStackPath);
  if (!existsSync(file)) throw new MeshroomError("E_BAD_MANIFEST", `the mesh app's stack ${chosen.name} has no ${file}`);
  return { document: parseDesiredDocument(readFileSync(file, "utf8"), file), outdir, stack: chosen.name, file };
}
