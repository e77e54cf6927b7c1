// Formatting for `npm run bench`: tables, durations, the load average, and the PASS/FAIL summary.
import { cpus, loadavg } from "node:os";
import type { CaseResult } from "./engine.js";
import { medianOf, medianWall, PHASES, type Phase, type ProcessComparison } from "./terraform.js";
import { median } from "./timed-process.js";

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

const PHASE_NAMES: Record<Phase, string> = { firstPlan: "first plan", apply: "apply", noopPlan: "no-op plan" };

function ratioText(tf: number, mr: number): string {
  return Number.isNaN(tf) || Number.isNaN(mr) ? "-" : `${(tf / mr).toFixed(1)}×`;
}

/** The whole-process comparison: one table per size, the Node floor, and the targets of issue 22. */
export function comparisonReport(c: ProcessComparison): { text: string; checks: Check[] } {
  const floor = median(c.nodeFloor.map((t) => t.wallMs));
  const version = median(c.version.map((t) => t.wallMs));
  const out: string[] = [
    `Whole processes, as a user runs them: bin/meshroom.js on a project on disk (no-op TypeScript hooks) against terraform ${c.terraformVersion ?? "(not run)"} ` +
      `(terraform_data, one block per resource), the same DAG: N instances, 2N plugs each depending on two instances; parallelism ${c.parallelism}. ` +
      "The tools alternate run by run (A/B, B/A); each figure is a median of wall time (CPU = user + system of the process).",
    c.skipped ?? "",
    `limit: \`node -e 0\` median ${fmt(floor)}; \`meshroom --version\` median ${fmt(version)} = ${(version / floor).toFixed(2)}× node (${c.nodeFloor.length} runs each, interleaved)`,
    `load: ${c.loads.join(" → ")}`,
  ].filter(Boolean);
  for (const r of c.rows) {
    const tfApplyRuns = r.terraform?.apply.length ?? 0;
    out.push(
      "",
      `${r.plugs} plugs, ${r.resources} resources (meshroom ${r.meshroom.firstPlan.length} runs; terraform ${r.terraform ? `${r.terraform.firstPlan.length} runs of each plan, ${tfApplyRuns} of apply` : "not run"}):`,
    );
    out.push(table(
      ["", "meshroom", "terraform", "ratio", "meshroom CPU", "terraform CPU", "meshroom peak RSS", "terraform peak RSS"],
      PHASES.map((ph) => [
        PHASE_NAMES[ph], fmt(medianWall(r.meshroom, ph)), fmt(medianWall(r.terraform, ph)), ratioText(medianWall(r.terraform, ph), medianWall(r.meshroom, ph)),
        fmt(medianOf(r.meshroom, ph, "cpuMs")), fmt(medianOf(r.terraform, ph, "cpuMs")), mb(medianOf(r.meshroom, ph, "rssMb")), mb(medianOf(r.terraform, ph, "rssMb")),
      ]),
    ));
    if (r.inProcess) {
      const i = r.inProcess;
      out.push(
        `  breakdown: the engine alone, in one process (no node start, no project loading, in-memory hooks): apply ${fmt(i.applyMs)} (CPU ${fmt(i.applyCpuMs)}), ` +
          `no-op plan ${fmt(i.noopPlanMs)} (CPU ${fmt(i.noopPlanCpuMs)}); the rest of the whole process is start-up, loading and saving`,
      );
    }
  }
  const at = (plugs: number) => c.rows.find((r) => r.plugs === plugs);
  const checks: Check[] = [];
  const k300 = at(300);
  if (k300?.terraform) {
    const ratio = (ph: Phase) => medianWall(k300.terraform, ph) / medianWall(k300.meshroom, ph);
    checks.push(
      { target: "no-op plan, 300 plugs: ≥ 20× faster than terraform plan", pass: ratio("noopPlan") >= 20, measured: `${ratio("noopPlan").toFixed(1)}× (${fmt(medianWall(k300.meshroom, "noopPlan"))} vs ${fmt(medianWall(k300.terraform, "noopPlan"))})` },
      { target: "apply, 300 plugs: ≥ 50× faster than terraform apply", pass: ratio("apply") >= 50, measured: `${ratio("apply").toFixed(1)}× (${fmt(medianWall(k300.meshroom, "apply"))} vs ${fmt(medianWall(k300.terraform, "apply"))})` },
    );
  }
  if (k300) {
    const first = medianWall(k300.meshroom, "firstPlan");
    checks.push({ target: "first plan, 300 plugs, cold manifest cache < 600 ms", pass: first < 600, measured: `${fmt(first)} (CPU ${fmt(medianOf(k300.meshroom, "firstPlan", "cpuMs"))})` });
  }
  const k10k = at(10_000);
  if (k10k) {
    const t = medianWall(k10k.meshroom, "noopPlan");
    const rss = medianOf(k10k.meshroom, "noopPlan", "rssMb");
    checks.push(
      { target: "no-op plan, 10,000 plugs < 1.5 s", pass: t < 1500, measured: `${fmt(t)} (CPU ${fmt(medianOf(k10k.meshroom, "noopPlan", "cpuMs"))})` },
      { target: "no-op plan, 10,000 plugs: peak RSS < 300 MB", pass: rss < 300, measured: mb(rss) },
    );
  }
  checks.push({ target: "meshroom --version < 1.2× node -e 0", pass: version < 1.2 * floor, measured: `${(version / floor).toFixed(2)}× (${fmt(version)} vs ${fmt(floor)})` });
  const k3000 = at(3_000);
  if (k300 && k3000) {
    const g = medianWall(k3000.meshroom, "noopPlan") / medianWall(k300.meshroom, "noopPlan");
    checks.push({ target: "growth: no-op plan at 3,000 plugs within 12× of 300", pass: g <= 12, measured: `${g.toFixed(1)}×` });
  }
  return { text: out.join("\n"), checks };
}

function mb(x: number): string {
  return Number.isNaN(x) ? "-" : `${x.toFixed(0)} MB`;
}

export function summary(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.target.padEnd(w)}  ${c.measured}`).join("\n");
}
