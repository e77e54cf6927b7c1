// The Terraform comparison of `npm run bench`: the same DAG — N instances and 2N plugs, each plug
// depending on two instances (i → i+1 and i → i+2 around a ring) — as `terraform_data` resources
// applied by Terraform (-parallelism=10) and as a meshroom mesh with no-op hooks, plus a no-op
// plan on the applied state. Terraform runs with an empty CLI configuration of its own (the
// machine's may point at a missing file) and no checkpoint calls; `terraform_data` is built into
// Terraform ≥ 1.4, so `init` downloads nothing.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyOperation } from "../src/engine/deploy/apply-operation.js";
import { planOperation } from "../src/engine/deploy/plan-operation.js";
import { ringSetup } from "./engine-mesh.js";

export interface MeshroomTimes {
  applyMs: number;
  noopPlanMs: number;
  applyCpuMs: number;
  noopPlanCpuMs: number;
}

export interface TerraformRow {
  plugs: number;
  resources: number;
  terraform: { applyMs: number; noopPlanMs: number; applyCpuMs: number; noopPlanCpuMs: number };
  /** Measured inside one process (the engine's own time, no process start). */
  meshroom: MeshroomTimes;
  /** The whole meshroom process (node start, module loading, generating the mesh, apply, plan), when measured. */
  meshroomProcessMs?: number;
}

export type TerraformComparison = { skipped: string } | { version: string; parallelism: number; rows: TerraformRow[] };

const PARALLELISM = 10;

/** Applies then re-plans the comparison mesh with meshroom, in this process. */
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

/**
 * Runs the comparison for each size (number of plugs, even). `meshroom(plugs)` measures meshroom
 * (e.g. in a child process, returning the in-process times and the process's wall time).
 */
export async function runTerraformComparison(
  sizes: readonly number[],
  meshroom: (plugs: number) => Promise<{ times: MeshroomTimes; processMs?: number }>,
): Promise<TerraformComparison> {
  const base = mkdtempSync(join(tmpdir(), "meshroom-tf-bench-"));
  try {
    const cliConfig = join(base, "terraformrc");
    writeFileSync(cliConfig, "");
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0",
      TF_PLUGIN_CACHE_DIR: "", NO_COLOR: "1",
    };
    const version = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env });
    if (version.error || version.status !== 0) return { skipped: "terraform is not on PATH (or does not run): the Terraform comparison was skipped." };
    const tfVersion = (JSON.parse(version.stdout) as { terraform_version: string }).terraform_version;
    const rows: TerraformRow[] = [];
    for (const plugs of sizes) {
      const dir = join(base, `mesh-${plugs}`);
      writeTerraformMesh(dir, plugs / 2);
      const tf = (args: string[], okCodes = [0]) => {
        const c0 = childCpu();
        const t0 = performance.now();
        const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 26 });
        const ms = performance.now() - t0;
        if (r.error || !okCodes.includes(r.status ?? -1)) throw new Error(`terraform ${args.join(" ")} exited ${r.status}: ${r.stderr || r.error}`);
        return { ms, cpuMs: childCpu() - c0, status: r.status };
      };
      tf(["init", "-input=false", "-no-color"]);
      const apply = tf(["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`]);
      // -detailed-exitcode: 0 = no changes (2 would mean the plan is not a no-op)
      const plan = tf(["plan", "-input=false", "-no-color", "-detailed-exitcode", `-parallelism=${PARALLELISM}`]);
      const m = await meshroom(plugs);
      rows.push({
        plugs, resources: plugs + plugs / 2,
        terraform: { applyMs: apply.ms, noopPlanMs: plan.ms, applyCpuMs: apply.cpuMs, noopPlanCpuMs: plan.cpuMs },
        meshroom: m.times,
        ...(m.processMs !== undefined ? { meshroomProcessMs: m.processMs } : {}),
      });
    }
    return { version: tfVersion, parallelism: PARALLELISM, rows };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** N `terraform_data` instances and 2N plugs, each plug replaced when either of its instances is. */
function writeTerraformMesh(dir: string, instances: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "main.tf"),
    `locals {
  n = ${instances}
}

resource "terraform_data" "instance" {
  count = local.n
  input = { name = "n\${count.index}", product = "p" }
}

# plug k: from instance k mod n to instance k mod n + 1 (first n plugs) or + 2 (next n plugs)
resource "terraform_data" "plug" {
  count = 2 * local.n
  triggers_replace = [
    terraform_data.instance[count.index % local.n].id,
    terraform_data.instance[(count.index + 1 + floor(count.index / local.n)) % local.n].id,
  ]
  input = {
    src = terraform_data.instance[count.index % local.n].output.name
    dst = terraform_data.instance[(count.index + 1 + floor(count.index / local.n)) % local.n].output.name
  }
}
`,
  );
}

/** CPU milliseconds used so far by this process's finished children (user + system). */
function childCpu(): number {
  const r = spawnSync("sh", ["-c", "cat /proc/$PPID/stat"], { encoding: "utf8" });
  // Fields 16/17 of /proc/<pid>/stat: cutime/cstime in clock ticks (100 Hz on Linux).
  const fields = r.stdout.slice(r.stdout.lastIndexOf(")") + 2).split(" ");
  return r.status === 0 ? (Number(fields[13]) + Number(fields[14])) * 10 : Number.NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const c = process.cpuUsage(c0);
  return [v, performance.now() - t0, (c.user + c.system) / 1000];
}
