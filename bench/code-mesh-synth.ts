/**
 * `meshroom synth` on examples/code-mesh (issue 18: < 1 s for the whole process, the cdktf app it
 * runs included). Not a unit test: timings depend on the machine, so they are printed and checked
 * here, never in tests. The example is copied to a temp dir as a user would have it (its own
 * node_modules linking this checkout, cdktf, constructs and jiti), with its `.gen/` from
 * `meshroom get`, and a private cache folder: the first run fills the compile cache (main.ts,
 * `.gen/`, the products' hooks), the timed ones use it. Also shown, for information: the same
 * synth with the compile cache off (`MESHROOM_NO_CACHE=1`: everything transpiled on each run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyExample } from "./example-copy.js";
import { median, timeProcess } from "./timed-process.js";

export interface CodeMeshSynthTiming {
  label: string;
  budgeted: boolean;
  runs: number;
  medianWallMs: number;
  medianCpuMs: number;
  minWallMs: number;
  maxWallMs: number;
}

export interface CodeMeshSynthResult {
  budgetMs: number;
  timings: CodeMeshSynthTiming[];
}

/** Median of `runs` whole-process `meshroom synth` runs on a copy of examples/code-mesh. */
export function runCodeMeshSynthBench(repo: string, runs = 7): CodeMeshSynthResult {
  const base = mkdtempSync(join(tmpdir(), "mr-bench-synth-"));
  try {
    const dir = join(base, "code-mesh");
    copyExample(repo, join(repo, "examples/code-mesh"), dir);
    const bin = join(repo, "bin/meshroom.js");
    const env = { ...process.env, CI: "true", NO_COLOR: "1", XDG_CACHE_HOME: join(base, "cache") };
    const synth = (e: NodeJS.ProcessEnv) => timeProcess(process.execPath, [bin, "synth"], { cwd: dir, env: e });
    timeProcess(process.execPath, [bin, "get"], { cwd: dir, env });
    const cases: Array<[string, NodeJS.ProcessEnv, boolean]> = [
      ["meshroom synth (code mesh)", env, true],
      ["synth, no compile cache", { ...env, MESHROOM_NO_CACHE: "1" }, false],
    ];
    const timings = cases.map(([label, e, budgeted]) => {
      synth(e); // warm-up: file-system cache, compile cache
      const samples = Array.from({ length: runs }, () => synth(e));
      const walls = samples.map((s) => s.wallMs);
      return {
        label, budgeted, runs,
        medianWallMs: Math.round(median(walls)),
        medianCpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
        minWallMs: Math.round(Math.min(...walls)),
        maxWallMs: Math.round(Math.max(...walls)),
      };
    });
    return { budgetMs: 1000, timings };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
