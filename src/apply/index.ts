// apply: the effectful half of plan/apply. `apply(plan, deps)` walks the change graph (src/graph)
// with bounded parallelism and an AbortSignal, runs each resource's steps through a
// `ResourceRuntime` (the hook-backed `HookRuntime`, or a test/bench one), records `pending_step`
// and `steps_done` in state through the `StatePersister` (state/persister.ts decides when state is
// written; apply waits on `flush()` after each step: the group commit), taints failed creates,
// skips dependents of failures, and emits events for the CLI. `refreshResources` runs `read`
// hooks. The HookRuntime reads a resource's inputs as typed records (synth's `plugRecord` /
// `instanceRecord`) and builds each hook's input with hooks' `hookInput`.
// May import: plan, hooks, capabilities, synth, state, graph, model, util, errors.
export { apply } from "./apply.js";
export type { ApplyDeps, ApplyFailure, ApplyResult } from "./apply.js";
export type { ApplyEvent, ApplyEventSink } from "./events.js";
export { buildChangeGraph, nodeKey, parseNodeKey } from "./change-graph.js";
export type { NodeKey, NodePhase } from "./change-graph.js";
export type { ResourceRuntime, ResourceStep, RuntimeResource, ReadOutcome, StepPhase, StepRunContext } from "./resource-runtime.js";
export { HookRuntime } from "./hook-runtime.js";
export type { HookRuntimeOptions } from "./hook-runtime.js";
export { refreshResources } from "./refresh.js";
export type { RefreshOptions } from "./refresh.js";
export { isTeardownRecord, mergedOutputs, setupRecords, sideOutputs, stepKindOf } from "./step-records.js";
