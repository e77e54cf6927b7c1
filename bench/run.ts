// `npm run bench`: engine timings on generated ring meshes (100 / 1,000 / 10,000 plugs, no-op hooks;
// 1,000 plugs with 50 ms hooks at parallelism 10), each case in its own process for a clean peak RSS.
// Compares with Terraform (`terraform_data` resources) only when `terraform` is on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runCase, type CaseResult } from "./engine.js";

const CASES: Array<[plugs: number, hookMs: number]> = [[100, 0], [1_000, 0], [10_000, 0], [1_000, 50]];
const PARALLELISM = 10;

async function child(): Promise<void> {
  const [plugs, hookMs] = [Number(process.argv[3]), Number(process.argv[4])];
  const r = await runCase(plugs, hookMs, PARALLELISM);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

function fmt(ms: number | null): string {
  return ms === null || Number.isNaN(ms) ? "-" : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function table(rows: CaseResult[]): string {
  const head = ["plugs", "resources", "hook", "full plan", "no-op plan", "apply", "destroy", "peak RSS", "state size", "CPU plan/no-op/apply"];
  const body = rows.map((r) => [
    String(r.plugs), String(r.resources), r.hookMs ? `${r.hookMs} ms` : "no-op", fmt(r.planMs), fmt(r.noopPlanMs), fmt(r.applyMs),
    fmt(r.destroyMs), `${r.rssMb.toFixed(0)} MB`, `${(r.stateBytes / 1024).toFixed(0)} KB`,
    [r.cpu.plan, r.cpu.noopPlan, r.cpu.apply].map((x) => fmt(x ?? Number.NaN)).join(" / "),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(" | ")} |`;
  return [line(head), `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

function terraformOnPath(): boolean {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const rows: CaseResult[] = [];
  for (const [plugs, hookMs] of CASES) {
    const r = spawnSync(process.execPath, ["--max-semi-space-size=32", self, "--case", String(plugs), String(hookMs)], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`case ${plugs}/${hookMs} failed:\n${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split("\n").pop()!) as CaseResult);
    process.stderr.write(`done: ${plugs} plugs, ${hookMs || "no-op"} hooks\n`);
  }
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(", ")} on ${cpus().length} CPUs (wall times include other processes' load; CPU column does not)`);
  console.log(`meshroom engine benchmark (ring meshes: N instances, N plugs, 2 setup hooks per plug; parallelism ${PARALLELISM})\n`);
  console.log(table(rows));
  const byN = (n: number) => rows.find((r) => r.plugs === n && r.hookMs === 0)!;
  const [k1, k10] = [byN(1_000), byN(10_000)];
  console.log(`\n10k/1k ratios (linear ≈ 10, target ≤ 12): plan ${(k10.planMs / k1.planMs).toFixed(1)}, apply ${(k10.applyMs / k1.applyMs).toFixed(1)}, no-op plan ${(k10.noopPlanMs / k1.noopPlanMs).toFixed(1)}, destroy ${(k10.destroyMs / k1.destroyMs).toFixed(1)}`);
  const slow = rows.find((r) => r.hookMs > 0);
  if (slow) {
    const ideal = Math.max(2 * slow.hookMs, (slow.plugs * 2 * slow.hookMs) / slow.parallelism);
    console.log(`${slow.hookMs} ms hooks, ${slow.plugs} plugs, parallelism ${slow.parallelism}: apply ${fmt(slow.applyMs)} vs ideal ${fmt(ideal)} (${(((slow.applyMs - ideal) / ideal) * 100).toFixed(1)} % over; target ≤ 10 %)`);
  }
  console.log(terraformOnPath() ? "\nterraform found on PATH, but the terraform_data comparison is not implemented yet." : "\nterraform is not on PATH: the Terraform comparison was skipped.");
}

if (process.argv[2] === "--case") await child();
else await main();
