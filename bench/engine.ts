// One benchmark case, run in its own process so its peak RSS is its own.
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { applyOperation, destroyOperation } from "../src/engine/deploy/apply-operation.js";
import { planOperation } from "../src/engine/deploy/plan-operation.js";
import { STATE_FILE_NAME } from "../src/state/index.js";
import { ringSetup } from "./engine-mesh.js";

export interface CaseResult {
  plugs: number;
  resources: number;
  hookMs: number;
  parallelism: number;
  planMs: number;
  noopPlanMs: number;
  applyMs: number;
  destroyMs: number;
  rssMb: number;
  stateBytes: number;
  added: number;
  /** CPU milliseconds per phase (independent of other load on the machine). */
  cpu: Record<string, number>;
}

const cpu: Record<string, number> = {};

/** Wall time of `fn`; its CPU time (user + system) is kept in `cpu[label]`. */
async function timed<T>(fn: () => Promise<T>, label = ""): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const c = process.cpuUsage(c0);
  if (label) cpu[label] = (c.user + c.system) / 1000;
  return [v, performance.now() - t0];
}

export async function runCase(plugs: number, hookMs: number, parallelism: number): Promise<CaseResult> {
  const setup = ringSetup(plugs, { setupMs: hookMs });
  try {
    const [, planMs] = await timed(() => planOperation(setup, {}), "plan");
    const [applied, applyMs] = await timed(() => applyOperation(setup, { parallelism }), "apply");
    const r = applied.result;
    if (!r || r.failures.length > 0 || r.stateError) throw new Error(`apply failed: ${JSON.stringify(r?.failures.slice(0, 2))}`);
    const stateBytes = statSync(join(setup.dir, STATE_FILE_NAME)).size;
    const [noop, noopPlanMs] = await timed(() => planOperation(setup, {}), "noopPlan");
    if (noop.plan.changes.length !== 0) throw new Error("the no-op plan has changes");
    const [, destroyMs] = hookMs > 0 ? [undefined, Number.NaN] : await timed(() => destroyOperation(setup, { parallelism }), "destroy");
    return {
      plugs, resources: setup.resources.length, hookMs, parallelism, planMs, noopPlanMs, applyMs, destroyMs,
      rssMb: process.resourceUsage().maxRSS / 1024, stateBytes, added: r.added, cpu,
    };
  } finally {
    rmSync(setup.dir, { recursive: true, force: true });
  }
}
