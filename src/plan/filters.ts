import { MeshroomError } from "../errors/index.js";
import { Dag } from "../graph/index.js";
import type { StateResource } from "../state/index.js";
import type { DesiredResource } from "../synth/index.js";
import type { PlanOptions } from "./types.js";

/**
 * The addresses `--target` / `--exclude` leave in a plan, or undefined when neither is given.
 * `--target ADDR` keeps ADDR and what it depends on (for `--destroy`: what depends on it, since
 * those must go first); `--exclude ADDR` drops ADDR and everything that depends on it.
 * Unknown addresses are a usage error naming them.
 */
export function selectAddresses(
  desired: readonly DesiredResource[],
  prior: readonly StateResource[],
  opts: Pick<PlanOptions, "targets" | "excludes">,
  destroy: boolean,
): Set<string> | undefined {
  const targets = opts.targets ?? [];
  const excludes = opts.excludes ?? [];
  if (targets.length === 0 && excludes.length === 0) return undefined;
  const dag = new Dag<string>();
  for (const d of desired) {
    dag.addNode(d.address);
    for (const x of d.dependencies) dag.addEdge(d.address, x);
  }
  for (const r of prior) {
    dag.addNode(r.address);
    for (const x of r.dependencies) dag.addEdge(r.address, x);
  }
  const unknown = [...targets, ...excludes].filter((a) => !dag.hasNode(a));
  if (unknown.length > 0) {
    throw new MeshroomError("E_USAGE", `no resource ${unknown.map((a) => JSON.stringify(a)).join(", ")} in the desired mesh or the state`, {
      detail: "addresses look like instance.<name> or plug.<src>.<dst>.<topic>.<push|pull>; `meshroom state list` shows those in state",
    });
  }
  let keep = targets.length > 0 ? (destroy ? dag.withDependents(targets) : dag.withDependencies(targets)) : new Set(dag.nodes());
  if (excludes.length > 0) {
    const drop = dag.withDependents(excludes);
    keep = new Set([...keep].filter((a) => !drop.has(a)));
  }
  return keep;
}
