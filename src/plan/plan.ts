import type { ResourceType } from "../model/index.js";
import type { StateResource } from "../state/index.js";
import type { DesiredResource } from "../synth/index.js";
import { diffValues, sameJson, sameValues } from "./diff.js";
import { selectAddresses } from "./filters.js";
import type { ActionReason, Drift, Plan, PlanAction, PlanChange, PlanOptions, ResourceValues } from "./types.js";

/** The state a plan is made against (a `StateFile`, with a null lineage when there is no state yet). */
export interface PriorState {
  lineage: string | null;
  serial: number;
  resources: readonly StateResource[];
}

/**
 * Compares the desired resources with prior state (pure). Drift from `opts.refresh` is applied
 * first; then every address gets an action and a reason; replacing an instance replaces the
 * plugs that depend on it; `--target`/`--exclude` narrow the result. No-ops are counted, not listed.
 */
export function plan(desired: readonly DesiredResource[], prior: PriorState, opts: PlanOptions = {}): Plan {
  const priorBy = new Map(prior.resources.map((r) => [r.address, r]));
  const desiredBy = new Map(desired.map((r) => [r.address, r]));
  const drift = computeDrift(prior.resources, opts);
  const gone = new Set(drift.filter((d) => d.kind === "gone").map((d) => d.address));
  const changedDrift = new Set(drift.filter((d) => d.kind === "changed").map((d) => d.address));
  const mode = opts.refreshOnly ? "refresh-only" : opts.destroy ? "destroy" : "normal";

  const all = new Map<string, PlanChange>();
  if (mode === "destroy") {
    for (const r of prior.resources) all.set(r.address, deleteChange(r, "delete_because_destroy"));
  } else if (mode === "normal") {
    const replaces = new Set(opts.replaces ?? []);
    for (const d of desired) {
      const p = priorBy.get(d.address);
      all.set(d.address, decide(d, gone.has(d.address) ? undefined : p, gone.has(d.address), replaces.has(d.address), opts, changedDrift));
    }
    for (const r of prior.resources) if (!desiredBy.has(r.address)) all.set(r.address, deleteChange(r, "delete_because_removed"));
    cascadeInstanceReplacement(all, desired, priorBy);
  }

  const selected = selectAddresses(desired, prior.resources, opts, mode === "destroy");
  const changes: PlanChange[] = [];
  const summary = { add: 0, change: 0, destroy: 0, noop: 0 };
  for (const c of all.values()) {
    if (selected && !selected.has(c.address)) continue;
    if (c.action === "no-op") {
      summary.noop++;
      continue;
    }
    if (c.action === "create" || c.action === "replace") summary.add++;
    if (c.action === "delete" || c.action === "replace") summary.destroy++;
    if (c.action === "update") summary.change++;
    changes.push(c);
  }
  changes.sort(changeOrder); // only the changes: a no-op plan of 10,000 resources sorts nothing
  const keptDrift = selected ? drift.filter((d) => selected.has(d.address)) : drift;
  const recorded = mode === "refresh-only" ? { recordDrift: keptDrift } : {};
  return { mode, changes, drift: keptDrift, ...recorded, lineage: prior.lineage, serial: prior.serial, summary };
}

function decide(
  d: DesiredResource,
  p: StateResource | undefined,
  isGone: boolean,
  byRequest: boolean,
  opts: PlanOptions,
  changedDrift: ReadonlySet<string>,
): PlanChange {
  const after: ResourceValues = { inputs: d.inputs, secret_hmacs: opts.secretHmacs?.get(d.address) ?? {} };
  if (!p) return change(d.address, d.type, "create", isGone ? "create_because_gone" : "create_because_absent", null, after, d.dependencies, []);
  const before: ResourceValues = { inputs: p.inputs, secret_hmacs: p.secret_hmacs };
  const same = sameValues(before, after);
  const mk = (action: PlanAction, reason?: ActionReason) => change(d.address, d.type, action, reason, before, after, d.dependencies, p.dependencies);
  if (p.status === "pending") return same && !byRequest ? mk("create", "create_resume_interrupted") : mk("replace", byRequest ? "replace_by_request" : "replace_because_tainted");
  if (p.status === "tainted") return mk("replace", "replace_because_tainted");
  if (byRequest) return mk("replace", "replace_by_request");
  const canUpdate = () => opts.hasUpdateHook?.(d.address, d.inputs) ?? false;
  if (!same) return canUpdate() ? mk("update", "update_because_inputs_changed") : mk("replace", "replace_because_cannot_update");
  if (p.pending_step?.action === "update" && canUpdate()) return mk("update", "update_resume_interrupted");
  if (changedDrift.has(d.address) && canUpdate()) return mk("update", "update_because_drift");
  return mk("no-op");
}

function deleteChange(r: StateResource, reason: ActionReason): PlanChange {
  return change(r.address, r.type, "delete", reason, { inputs: r.inputs, secret_hmacs: r.secret_hmacs }, null, [], r.dependencies);
}

function change(
  address: string,
  type: ResourceType,
  action: PlanAction,
  reason: ActionReason | undefined,
  before: ResourceValues | null,
  after: ResourceValues | null,
  dependencies: string[],
  priorDependencies: string[],
): PlanChange {
  const c: PlanChange = {
    address, type, action, before, after,
    // Creates list no fields (everything in `after` is new; views render it): planning 10k creates stays cheap.
    fields: action === "update" || action === "replace" ? diffValues(before, after) : [],
    dependencies, priorDependencies,
  };
  if (reason) c.reason = reason;
  return c;
}

/** A replaced (or re-created) instance takes its existing plugs with it. */
function cascadeInstanceReplacement(all: Map<string, PlanChange>, desired: readonly DesiredResource[], priorBy: ReadonlyMap<string, StateResource>): void {
  const replaced = new Set<string>();
  for (const c of all.values()) {
    if (c.type === "meshroom_instance" && (c.action === "replace" || (c.action === "create" && c.reason === "create_because_gone"))) replaced.add(c.address);
  }
  if (replaced.size === 0) return;
  for (const d of desired) {
    if (d.type !== "meshroom_plug" || !d.dependencies.some((x) => replaced.has(x))) continue;
    const c = all.get(d.address)!;
    const p = priorBy.get(d.address);
    if (!p || c.action === "replace" || c.action === "create") continue;
    all.set(d.address, {
      ...c, action: "replace", reason: "replace_because_instance_replaced",
      fields: diffValues(c.before, c.after),
    });
  }
}

function computeDrift(prior: readonly StateResource[], opts: PlanOptions): Drift[] {
  const out: Drift[] = [];
  if (!opts.refresh) return out;
  for (const r of prior) {
    const res = opts.refresh.get(r.address);
    if (!res) continue;
    if (!res.exists) out.push({ address: r.address, type: r.type, kind: "gone", before: r.outputs, after: {} });
    else if (res.outputs) {
      const merged = { ...r.outputs, ...res.outputs };
      if (!sameJson(merged, r.outputs)) out.push({ address: r.address, type: r.type, kind: "changed", before: r.outputs, after: merged });
    }
  }
  return out;
}

/** Instances before plugs, then by address. */
function changeOrder(a: PlanChange, b: PlanChange): number {
  if (a.type !== b.type) return a.type === "meshroom_instance" ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
