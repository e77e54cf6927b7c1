// plan: the pure planner. `plan(desired, prior, opts)` compares the desired resources (read from
// the desired document) with prior state, after drift from `read` hooks, and returns a `Plan`:
// one `PlanChange` per address with an action (create/update/replace/delete), a reason, the
// before/after values (secrets only as HMACs, marked sensitive) and the changed fields.
// No I/O; the engine supplies refresh results, secret HMACs and which resources can update in place.
// plan-file.ts is the plan file of `plan -o FILE` / `apply FILE`: checked against the same
// `PlanSchema` (types.ts) the types are inferred from, with a digest (imported by file: it writes).
// May import: synth, state, graph, model, util, errors.
export { plan } from "./plan.js";
export type { PriorState } from "./plan.js";
export { selectAddresses } from "./filters.js";
export { diffValues, sameJson, sameValues } from "./diff.js";
export { hasChanges } from "./types.js";
export type {
  ActionReason, Drift, FieldChange, Plan, PlanAction, PlanChange, PlanMode, PlanOptions, PlanSummary, RefreshResult, ResourceValues,
} from "./types.js";
