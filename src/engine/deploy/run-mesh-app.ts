// Runs a code mesh's cdktf app as `cdktf synth` would (CDKTF_OUTDIR set) and reads the stack it
// wrote. Kept free of zod: the app is started first, and the parsing (mesh-app-output.ts) loads
// while it runs.
import { existsSync, realpathSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ERROR_REPORT_FILE } from "../../../constructs/error-report.js";
import { MeshroomError } from "../../errors/index.js";
import { runCommand, stderrTail } from "../../exec/index.js";
import type { DesiredDocument } from "../../synth/index.js";
import { CHILD_COMPILE_CACHE_ENV, hookCompileCache } from "../../util/compile-cache.js";
import { PACKAGE_ROOT } from "../../util/version.js";
import type { CdktfJson } from "./cdktf-json.js";

export interface MeshAppOutput {
  document: DesiredDocument;
  outdir: string;
  stack: string;
  file: string;
}

/** The runner of jiti apps (jiti-app-main.ts): beside this file in the tsc output, else (bundled CLI) in the package's. */
function jitiAppMain(): string {
  const sibling = fileURLToPath(new URL("./jiti-app-main.js", import.meta.url));
  return existsSync(sibling) ? sibling : join(PACKAGE_ROOT, "dist", "src", "engine", "deploy", "jiti-app-main.js");
}

/**
 * `npx --no-install jiti main.ts` (what `meshroom init --code` writes) run without npx: node
 * and the project's own jiti, found where npx would find it (the nearest node_modules/.bin up
 * from the project). Same program, same arguments; npx itself costs about a second of CPU
 * (and far more wall time on a busy machine). With jiti 2 (its CLI is lib/jiti-cli.mjs beside
 * lib/jiti.cjs) the app runs through jiti-app-main.js, which is jiti's CLI with its file cache
 * in meshroom's private compile cache: main.ts and `.gen/` are transpiled once per change, not
 * on every run. Any other app, or no local jiti: undefined.
 */
function directJitiRun(root: string, app: string): [string, string[]] | undefined {
  if (process.platform === "win32") return undefined;
  const m = /^npx\s+(?:--no-install\s+|--no\s+)?jiti\s+([\w./-]+\.[cm]?[jt]s)\s*$/.exec(app.trim());
  if (!m) return undefined;
  for (let dir = root; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin", "jiti");
    if (existsSync(bin)) {
      const cli = realpathSync(bin);
      const api = join(dirname(cli), "jiti.cjs");
      if (basename(cli) !== "jiti-cli.mjs" || !existsSync(api) || !existsSync(jitiAppMain())) return [process.execPath, [cli, m[1]!]];
      const cache = hookCompileCache();
      return [process.execPath, [jitiAppMain(), api, cache.dir === false ? "-" : cache.dir, m[1]!]];
    }
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
  const running = runCommand(command, args, {
    cwd: root,
    // the app compiles main.ts itself: never through a shared temp-folder cache (jiti-app-main.js
    // is handed meshroom's private one; the env turns jiti's own and Node's off)
    env: { CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...CHILD_COMPILE_CACHE_ENV },
    timeoutMs: 300_000,
    rejectOnExitCode: false,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // zod and the document's schema load while the app runs (on a second core): the spawn is not
  // delayed by them, runCommand's own import (execa, one bundled chunk) is asked for first
  const checks = import("./mesh-app-output.js");
  checks.catch(() => undefined); // awaited below; not an unhandled rejection if the run fails first
  const run = await running;
  const { readAppStack, reportedError } = await checks;
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
  const { document, stack, file } = readAppStack(app, manifestFile, outdir, opts.stack ?? process.env.MESHROOM_STACK);
  return { document, outdir, stack, file };
}
