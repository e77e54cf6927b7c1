/**
 * Cold-start check (issue 2: `meshroom --version` and `meshroom list products` on a small
 * project should start in < 300 ms). Not a unit test: timings depend on the machine, so they are
 * printed, never asserted. Run after a build: `node dist/bench/cold-start.js` (or `--json`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface ColdStartTiming {
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface ColdStartResult {
  /** Target from the issue, in milliseconds. */
  budgetMs: number;
  timings: ColdStartTiming[];
}

/** The repository root, from either bench/ (source) or dist/bench/ (built). */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.split("/").includes("dist") ? resolve(here, "../..") : resolve(here, "..");
}

function run(bin: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, CI: "true", NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function summarize(command: string, samples: number[]): ColdStartTiming {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { command, runs: s.length, medianMs: Math.round(median), minMs: Math.round(s[0]!), maxMs: Math.round(s[s.length - 1]!) };
}

/** Median of `runs` cold starts of `--version` and of `list products` on a small project (made in a temp dir). */
export function runColdStartBench(runs = 10): ColdStartResult {
  const bin = join(repoRoot(), "bin/meshroom.js");
  const dir = mkdtempSync(join(tmpdir(), "mr-bench-"));
  try {
    const project = join(dir, "p");
    run(bin, ["init", project]);
    run(bin, ["-p", project, "create", "product", "myedr", "--from", "edr"]);
    run(bin, ["-p", project, "create", "product", "mysiem", "--from", "siem"]);
    run(bin, ["-p", project, "add", "myedr", "-c", "API_URL=https://edr.example"]);
    run(bin, ["-p", project, "add", "mysiem", "-c", "API_URL=https://siem.example"]);
    const commands: Array<[string, string[]]> = [
      ["meshroom --version", ["--version"]],
      ["meshroom list products", ["-p", project, "list", "products"]],
    ];
    // one warm-up each (file-system cache), then the measured runs
    for (const [, args] of commands) run(bin, args);
    const timings = commands.map(([name, args]) => summarize(name, Array.from({ length: runs }, () => run(bin, args))));
    return { budgetMs: 300, timings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const result = runColdStartBench();
  if (process.argv.includes("--json")) {
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } else {
    for (const t of result.timings) {
      const verdict = t.medianMs <= result.budgetMs ? "ok" : `over the ${result.budgetMs} ms budget`;
      process.stdout.write(`${t.command.padEnd(26)} median ${String(t.medianMs).padStart(5)} ms  (min ${t.minMs}, max ${t.maxMs}, ${t.runs} runs)  ${verdict}\n`);
    }
  }
}
