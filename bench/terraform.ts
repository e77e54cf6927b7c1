// The Terraform comparison of `npm run bench`, whole process against whole process: the same DAG
// — N instances and 2N plugs, each plug depending on two instances (i → i+1 and i → i+2 around a
// ring) — as `terraform_data` resources for `terraform`, and as a meshroom project on disk (no-op
// TypeScript hooks) for `bin/meshroom.js`, each command timed from spawn to exit as a user runs
// it: the first plan (empty state; for meshroom a cold manifest cache), apply, and a no-op plan on
// the applied state. The two tools alternate run by run (A/B, then B/A) so that the load of a
// shared machine falls on both alike; medians are reported. The engine's own time, measured
// inside one process, is kept as a breakdown.
//
// Terraform runs with an empty CLI configuration of its own (the machine's may point at a missing
// file) and no checkpoint calls; `terraform_data` is built into Terraform ≥ 1.4, so `init`
// downloads nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyOperation } from "../src/engine/deploy/apply-operation.js";
import { planOperation } from "../src/engine/deploy/plan-operation.js";
import { ringSetup } from "./engine-mesh.js";
import { ringPlugEnds, writeMeshProject } from "./mesh-project.js";
import { median, timeProcess, type ProcessTiming } from "./timed-process.js";

export interface MeshroomTimes {
  applyMs: number;
  noopPlanMs: number;
  applyCpuMs: number;
  noopPlanCpuMs: number;
}

/** The runs of one tool at one size: each a whole process. */
export interface ToolRuns {
  firstPlan: ProcessTiming[];
  apply: ProcessTiming[];
  noopPlan: ProcessTiming[];
}

export type Phase = keyof ToolRuns;
export const PHASES: readonly Phase[] = ["firstPlan", "apply", "noopPlan"];

export interface ComparisonRow {
  plugs: number;
  resources: number;
  meshroom: ToolRuns;
  /** Absent when Terraform was not run at this size. */
  terraform?: ToolRuns;
  /** The engine measured inside one process (no node start, no project loading): a breakdown. */
  inProcess?: MeshroomTimes;
}

export interface ComparisonSize {
  plugs: number;
  /** Measured runs of meshroom (the medians are over these). */
  runs: number;
  /** Runs of Terraform's plans (default `runs`; fewer at 3,000 plugs, where each takes long); 0: Terraform is not run at this size. */
  terraformRuns?: number;
  /** Of those, runs that apply too (default all: at 3,000 plugs one `terraform apply` takes many minutes). */
  terraformApplyRuns?: number;
}

export interface ProcessComparison {
  /** Set when terraform could not be run (meshroom is still measured). */
  skipped?: string;
  terraformVersion?: string;
  parallelism: number;
  /** `node -e 0` and `meshroom --version`, interleaved: the floor of any Node CLI on this machine. */
  nodeFloor: ProcessTiming[];
  version: ProcessTiming[];
  rows: ComparisonRow[];
  /** Load average before and after. */
  loads: string[];
}

const PARALLELISM = 10;

/** Applies then re-plans the comparison mesh with meshroom, in this process (the breakdown). */
export async function meshroomSameDag(plugs: number): Promise<MeshroomTimes> {
  const setup = ringSetup(plugs / 2, { setupMs: 0 }, undefined, 2);
  try {
    const [applied, applyMs, applyCpuMs] = await timed(() => applyOperation(setup, { parallelism: PARALLELISM }));
    if (!applied.result || applied.result.failures.length > 0 || applied.result.added !== setup.resources.length) throw new Error("meshroom apply failed");
    const [noop, noopPlanMs, noopPlanCpuMs] = await timed(() => planOperation(setup, { parallelism: PARALLELISM }));
    if (noop.plan.changes.length !== 0) throw new Error("meshroom's no-op plan has changes");
    return { applyMs, noopPlanMs, applyCpuMs, noopPlanCpuMs };
  } finally {
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

export interface ComparisonOptions {
  /** bin/meshroom.js */
  bin: string;
  sizes: readonly ComparisonSize[];
  /** The in-process breakdown at one size (e.g. run in a child process for a clean heap). */
  inProcess?: (plugs: number) => Promise<MeshroomTimes>;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  load: () => string;
}

/** A tool at one size. */
interface Tool {
  /** Untimed: one no-op plan (warms the OS file cache and compile caches). */
  warm(): void;
  /** From an empty state (and, for meshroom, a cold manifest cache): first plan, apply, no-op plan. */
  round(): Round;
  /** The two plans without an apply: the first one with the applied state moved aside. */
  plansOnly(): Round;
}

interface Round {
  firstPlan: ProcessTiming;
  apply?: ProcessTiming;
  noopPlan: ProcessTiming;
}

export async function runProcessComparison(opts: ComparisonOptions): Promise<ProcessComparison> {
  const base = mkdtempSync(join(tmpdir(), "meshroom-tf-bench-"));
  const loads = [opts.load()];
  try {
    const tfEnv = terraformEnv(base);
    const version = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: tfEnv });
    const skipped = version.error || version.status !== 0 ? "terraform is not on PATH (or does not run): meshroom alone was measured." : undefined;
    const terraformVersion = skipped ? undefined : (JSON.parse(version.stdout) as { terraform_version: string }).terraform_version;
    const mrEnv: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1", XDG_CACHE_HOME: join(base, "cache") };

    // the floor: a Node process that does nothing, against `meshroom --version`, alternating
    const nodeFloor: ProcessTiming[] = [];
    const versionRuns: ProcessTiming[] = [];
    for (let r = 0; r < 11; r++) {
      const pair = [() => nodeFloor.push(timeProcess(process.execPath, ["-e", "0"])), () => versionRuns.push(timeProcess(process.execPath, [opts.bin, "--version"], { env: mrEnv }))];
      if (r % 2) pair.reverse();
      pair.forEach((f) => f());
    }

    const rows: ComparisonRow[] = [];
    for (const size of opts.sizes) {
      const { plugs } = size;
      const root = join(base, `meshroom-${plugs}`);
      writeMeshProject(opts.bin, root, plugs, mrEnv);
      const mr = meshroomTool(opts.bin, root, mrEnv);
      const tfRuns = skipped ? 0 : Math.min(size.runs, size.terraformRuns ?? size.runs);
      const tfApplyRuns = Math.min(tfRuns, size.terraformApplyRuns ?? tfRuns);
      const tf = tfRuns > 0 ? terraformTool(join(base, `terraform-${plugs}`), plugs / 2, tfEnv) : undefined;
      // one untimed round each: the OS file cache, jiti's compile cache of the hook file
      mr.warm();
      tf?.warm();
      const row: ComparisonRow = { plugs, resources: plugs + plugs / 2, meshroom: emptyRuns(), ...(tf ? { terraform: emptyRuns() } : {}) };
      for (let r = 0; r < size.runs; r++) {
        const order: Array<[Tool, ToolRuns]> = [[mr, row.meshroom]];
        if (tf && row.terraform && r < tfRuns) order.push([tf, row.terraform]);
        if (r % 2) order.reverse();
        for (const [tool, runs] of order) {
          const withApply = tool === mr || r < tfApplyRuns;
          const round = withApply ? tool.round() : tool.plansOnly();
          runs.firstPlan.push(round.firstPlan);
          if (round.apply) runs.apply.push(round.apply);
          runs.noopPlan.push(round.noopPlan);
        }
        opts.progress?.(`  ${plugs} plugs: run ${r + 1}/${size.runs} done (${opts.load()})`);
      }
      if (opts.inProcess) row.inProcess = await opts.inProcess(plugs);
      rows.push(row);
      loads.push(opts.load());
    }
    return {
      ...(skipped ? { skipped } : {}), ...(terraformVersion ? { terraformVersion } : {}),
      parallelism: PARALLELISM, nodeFloor, version: versionRuns, rows, loads,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function emptyRuns(): ToolRuns {
  return { firstPlan: [], apply: [], noopPlan: [] };
}

/** Median wall time of one phase (NaN when it was not run). */
export function medianWall(runs: ToolRuns | undefined, phase: Phase): number {
  return runs ? median(runs[phase].map((t) => t.wallMs)) : Number.NaN;
}

export function medianOf(runs: ToolRuns | undefined, phase: Phase, field: "cpuMs" | "rssMb"): number {
  return runs ? median(runs[phase].map((t) => t[field])) : Number.NaN;
}

function meshroomTool(bin: string, root: string, env: NodeJS.ProcessEnv): Tool {
  const cli = (args: string[], okCodes = [0]) => timeProcess(process.execPath, [bin, "-p", root, ...args], { env, okCodes });
  // --detailed-exitcode: 2 = changes (the first plan has some), 0 = none (the no-op plan must have none)
  const firstPlan = () => cli(["plan", "--detailed-exitcode"], [2]);
  const noopPlan = () => cli(["plan", "--detailed-exitcode"], [0]);
  const round = (): Round => {
    for (const f of ["meshroom.state.json", "meshroom.state.json.backup"]) rmSync(join(root, f), { force: true });
    rmSync(join(env.XDG_CACHE_HOME!, "meshroom", "manifests"), { recursive: true, force: true });
    const first = firstPlan();
    return { firstPlan: first, apply: cli(["apply", "--auto-approve", "--parallelism", String(PARALLELISM)]), noopPlan: noopPlan() };
  };
  return { warm: () => void cli(["plan"]), round, plansOnly: round };
}

function terraformEnv(base: string): NodeJS.ProcessEnv {
  const cliConfig = join(base, "terraformrc");
  writeFileSync(cliConfig, "");
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0",
    TF_PLUGIN_CACHE_DIR: "", NO_COLOR: "1",
  };
}

function terraformTool(dir: string, instances: number, env: NodeJS.ProcessEnv): Tool {
  writeTerraformMesh(dir, instances);
  const tf = (args: string[], okCodes = [0]) => timeProcess("terraform", args, { cwd: dir, env, okCodes });
  const plan = (okCodes: number[]) => tf(["plan", "-input=false", "-no-color", "-detailed-exitcode", `-parallelism=${PARALLELISM}`], okCodes);
  const state = join(dir, "terraform.tfstate");
  tf(["init", "-input=false", "-no-color"]);
  return {
    warm: () => void tf(["plan", "-input=false", "-no-color"]),
    round() {
      for (const f of [state, `${state}.backup`]) rmSync(f, { force: true });
      const firstPlan = plan([2]);
      return { firstPlan, apply: tf(["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`]), noopPlan: plan([0]) };
    },
    plansOnly() {
      if (!existsSync(state)) return this.round(); // nothing applied yet: a no-op plan needs an apply first
      renameSync(state, `${state}.kept`);
      let firstPlan: ProcessTiming;
      try {
        firstPlan = plan([2]);
      } finally {
        renameSync(`${state}.kept`, state);
      }
      return { firstPlan, noopPlan: plan([0]) };
    },
  };
}

/**
 * N `terraform_data` instances and 2N plugs, one resource block each, each plug replaced when
 * either of its instances is. Blocks rather than `count`: Terraform then knows each plug's two
 * instances (with `count`, every plug refers to the whole list of instances, and an apply of
 * 4,500 resources ran for more than 11 minutes with 6 GB of memory before it was stopped), so
 * it is measured at its best on exactly the DAG meshroom gets.
 */
function writeTerraformMesh(dir: string, instances: number): void {
  mkdirSync(dir, { recursive: true });
  const blocks: string[] = [];
  for (let i = 0; i < instances; i++) blocks.push(`resource "terraform_data" "n${i}" {\n  input = { name = "n${i}", product = "p" }\n}\n`);
  for (let k = 0; k < 2 * instances; k++) {
    const [s, d] = ringPlugEnds(k, instances);
    blocks.push(
      `resource "terraform_data" "plug_${s}_${d}" {\n` +
        `  triggers_replace = [terraform_data.n${s}.id, terraform_data.n${d}.id]\n` +
        `  input = { src = terraform_data.n${s}.output.name, dst = terraform_data.n${d}.output.name }\n}\n`,
    );
  }
  writeFileSync(join(dir, "main.tf"), blocks.join("\n"));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const c = process.cpuUsage(c0);
  return [v, performance.now() - t0, (c.user + c.system) / 1000];
}
