// Formatting for `npm run bench`: tables, durations, the load average, and the PASS/FAIL summary.
import { cpus, loadavg } from "node:os";
import type { CaseResult } from "./engine.js";
import type { TerraformComparison } from "./terraform.js";

export interface Check {
  target: string;
  pass: boolean;
  measured: string;
}

export function fmt(ms: number | null | undefined): string {
  return ms === null || ms === undefined || Number.isNaN(ms) ? "-" : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function load(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(", ")} on ${cpus().length} CPUs`;
}

export function table(head: string[], body: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(" | ")} |`;
  return [line(head), `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

export function engineTable(rows: CaseResult[]): string {
  return table(
    ["plugs", "resources", "hook", "full plan", "no-op plan", "apply", "destroy", "peak RSS", "state size", "CPU plan / no-op / apply / destroy"],
    rows.map((r) => [
      String(r.plugs), String(r.resources), r.hookMs ? `${r.hookMs} ms` : "no-op", fmt(r.planMs), fmt(r.noopPlanMs), fmt(r.applyMs),
      fmt(r.destroyMs), `${r.rssMb.toFixed(0)} MB`, `${(r.stateBytes / 1024).toFixed(0)} KB`,
      [r.cpu.plan, r.cpu.noopPlan, r.cpu.apply, r.cpu.destroy].map((x) => fmt(x ?? Number.NaN)).join(" / "),
    ]),
  );
}

/** The engine's targets (80-quality.md) checked on the measured rows. */
export function engineChecks(rows: CaseResult[]): Check[] {
  const byN = (n: number) => rows.find((r) => r.plugs === n && r.hookMs === 0);
  const [k1, k10] = [byN(1_000), byN(10_000)];
  const checks: Check[] = [];
  if (k10) {
    checks.push(
      { target: "10k plugs: full plan < 2 s", pass: k10.planMs < 2000, measured: `${fmt(k10.planMs)} (CPU ${fmt(k10.cpu.plan)})` },
      { target: "10k plugs: no-op plan < 2 s", pass: k10.noopPlanMs < 2000, measured: `${fmt(k10.noopPlanMs)} (CPU ${fmt(k10.cpu.noopPlan)})` },
      { target: "10k plugs: apply with no-op hooks < 10 s", pass: k10.applyMs < 10_000, measured: `${fmt(k10.applyMs)} (CPU ${fmt(k10.cpu.apply)})` },
      { target: "10k plugs: peak RSS < 500 MB", pass: k10.rssMb < 500, measured: `${k10.rssMb.toFixed(0)} MB` },
    );
  }
  if (k1 && k10) {
    const ratios = (["planMs", "noopPlanMs", "applyMs", "destroyMs"] as const).map((k) => [k.replace("Ms", ""), k10[k] / k1[k]] as const);
    const worst = Math.max(...ratios.map(([, r]) => r));
    checks.push({
      target: "linear growth: 10k/1k time ratio ≤ 12",
      pass: worst <= 12,
      measured: ratios.map(([k, r]) => `${k} ${r.toFixed(1)}`).join(", "),
    });
  }
  const slow = rows.find((r) => r.hookMs > 0);
  if (slow) {
    const ideal = idealMs(slow);
    const over = ((slow.applyMs - ideal) / ideal) * 100;
    checks.push({
      target: `${slow.hookMs} ms hooks, ${slow.plugs} plugs, parallelism ${slow.parallelism}: within 10 % of ideal`,
      pass: over <= 10,
      measured: `${fmt(slow.applyMs)} vs ideal ${fmt(ideal)} (${over.toFixed(1)} % over)`,
    });
  }
  return checks;
}

/** max(critical path, total work / parallelism): each plug runs its 2 setup hooks one after the other; instances have none. */
export function idealMs(r: CaseResult): number {
  return Math.max(2 * r.hookMs, (r.plugs * 2 * r.hookMs) / r.parallelism);
}

export function terraformReport(c: TerraformComparison): { text: string; checks: Check[] } {
  if ("skipped" in c) return { text: c.skipped, checks: [] };
  const ratio = (a: number, b: number) => `${(a / b).toFixed(0)}×`;
  const text = table(
    ["plugs", "resources", "terraform apply", "meshroom apply", "ratio", "terraform no-op plan", "meshroom no-op plan", "ratio", "meshroom whole process"],
    c.rows.map((r) => [
      String(r.plugs), String(r.resources),
      fmt(r.terraform.applyMs), fmt(r.meshroom.applyMs), ratio(r.terraform.applyMs, r.meshroom.applyMs),
      fmt(r.terraform.noopPlanMs), fmt(r.meshroom.noopPlanMs), ratio(r.terraform.noopPlanMs, r.meshroom.noopPlanMs),
      fmt(r.meshroomProcessMs),
    ]),
  );
  const cpu = c.rows.map((r) =>
    `  CPU at ${r.plugs} plugs: terraform apply ${fmt(r.terraform.applyCpuMs)} / no-op plan ${fmt(r.terraform.noopPlanCpuMs)}; ` +
    `meshroom apply ${fmt(r.meshroom.applyCpuMs)} / no-op plan ${fmt(r.meshroom.noopPlanCpuMs)}`,
  );
  const head = `Terraform ${c.version} (terraform_data, -parallelism=${c.parallelism}) vs meshroom (no-op hooks) on the same DAG: N instances, 2N plugs each depending on two instances.\n` +
    "meshroom times are the engine's, in one process; the last column is a whole meshroom process (node start, loading, generating the mesh, apply and plan).";
  const big = c.rows[c.rows.length - 1];
  const checks: Check[] = big
    ? [
        { target: `≥ 20× faster than Terraform: apply (${big.plugs} plugs)`, pass: big.terraform.applyMs / big.meshroom.applyMs >= 20, measured: ratio(big.terraform.applyMs, big.meshroom.applyMs) },
        { target: `≥ 20× faster than Terraform: no-op plan (${big.plugs} plugs)`, pass: big.terraform.noopPlanMs / big.meshroom.noopPlanMs >= 20, measured: ratio(big.terraform.noopPlanMs, big.meshroom.noopPlanMs) },
      ]
    : [];
  return { text: [head, "", text, ...cpu].join("\n"), checks };
}

export function summary(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.target.padEnd(w)}  ${c.measured}`).join("\n");
}
