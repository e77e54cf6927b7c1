import type { HookDescriptor, ResourceType } from "../model/index.js";
import type { JsonObject, ResourceStatus, StepRecord } from "../state/index.js";
import type { FieldChange } from "../plan/index.js";

/** What a step receives when it runs. */
export interface StepRunContext {
  signal: AbortSignal;
  /** Outputs recorded by the completed setup steps of the same side (teardown/update/read). */
  outputs: JsonObject;
  /** Update steps: the changed fields. */
  changes?: readonly FieldChange[];
}

export type StepPhase = "setup" | "teardown" | "update";

/**
 * One hook call of a resource's lifecycle. `id` is stable across runs and is what state records
 * in `steps_done`; it has the form `<address>/[<side>/]<kind>/<hook id>` so the applier can tell
 * setup records from teardown records (see step-records.ts).
 */
export interface ResourceStep {
  id: string;
  title: string;
  phase: StepPhase;
  side?: string;
  /** The hook this step calls, when it calls one (e.g. to check up front what it may need). */
  hook?: HookDescriptor;
  run(ctx: StepRunContext): Promise<JsonObject | undefined>;
}

/** A resource as the runtime sees it: address, type and inputs (from the plan or from state). */
export interface RuntimeResource {
  address: string;
  type: ResourceType;
  inputs: JsonObject;
}

export interface ReadOutcome {
  exists: boolean;
  outputs?: JsonObject;
}

/**
 * How resources are set up, torn down, updated and read. The hook-backed implementation
 * (hook-runtime.ts) uses the capability graph and the hook runner; tests and benchmarks may pass
 * their own. Step lists must be deterministic for the same inputs.
 */
export interface ResourceRuntime {
  setupSteps(r: RuntimeResource): ResourceStep[];
  /** Teardown steps after the given setup steps completed (`status`: the resource's state status). */
  teardownSteps(r: RuntimeResource, completedSetup: readonly StepRecord[], status: ResourceStatus): ResourceStep[];
  /** In-place update steps; empty when the resource cannot be updated in place. */
  updateSteps(r: RuntimeResource): ResourceStep[];
  /** True when `updateSteps` would return something for these inputs. */
  canUpdate(r: RuntimeResource): boolean;
  /** Runs the read hooks (drift check); undefined when the resource has none. */
  read?(r: RuntimeResource, steps: readonly StepRecord[], signal: AbortSignal): Promise<ReadOutcome | undefined>;
  /** False when `read` would find no read hook for this resource (lets a refresh skip it without a walk). */
  hasRead?(r: RuntimeResource): boolean;
}
