import { refreshResources, type ResourceRuntime } from "../../apply/index.js";
import { resourceTypeOf } from "../../model/index.js";
import { plan as makePlan, type Plan, type PriorState } from "../../plan/index.js";
import type { StateFile, StateResource } from "../../state/index.js";
import { instanceRecord, type DesiredResource } from "../../synth/index.js";
import type { EngineSetup, InstanceLookup } from "./engine-setup.js";
import { withStateLock, type LockingOptions } from "../../state/with-state-lock.js";

export interface PlanRequest extends LockingOptions {
  /** Run `read` hooks first (default true; `--refresh=false`). */
  refresh?: boolean;
  targets?: readonly string[];
  excludes?: readonly string[];
  replaces?: readonly string[];
  destroy?: boolean;
  refreshOnly?: boolean;
  parallelism?: number;
}

export interface PlanOutcome {
  plan: Plan;
  /** The state planned against (undefined: none yet). */
  state: StateFile | undefined;
}

/** `meshroom plan`: takes the lock, reads state, refreshes, plans, releases the lock. Changes nothing. */
export async function planOperation(setup: EngineSetup, req: PlanRequest = {}): Promise<PlanOutcome> {
  return withStateLock(setup.store, req.destroy ? "plan -destroy" : "plan", req, async () => {
    const state = await setup.store.read();
    return { plan: await computePlan(setup, state, req), state };
  });
}

/** Plans against an already read state (the lock is the caller's). */
export async function computePlan(setup: EngineSetup, state: StateFile | undefined, req: PlanRequest): Promise<Plan> {
  const prior: PriorState = state ? { lineage: state.lineage, serial: state.serial, resources: state.resources } : { lineage: null, serial: 0, resources: [] };
  const runtime = setup.runtimeFor(instanceLookup(new Map(prior.resources.map((r) => [r.address, r])), setup.resources));
  const refresh = req.refresh === false && !req.refreshOnly ? undefined : await refreshResources(prior.resources, runtime, {
    ...(req.parallelism ? { parallelism: req.parallelism } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const secretHmacs = req.destroy ? undefined : await setup.secretHmacs?.(setup.resources);
  return makePlan(setup.resources, prior, {
    ...(refresh ? { refresh } : {}),
    ...(secretHmacs ? { secretHmacs } : {}),
    hasUpdateHook: (address, inputs) => canUpdate(runtime, address, inputs),
    ...(req.targets ? { targets: req.targets } : {}),
    ...(req.excludes ? { excludes: req.excludes } : {}),
    ...(req.replaces ? { replaces: req.replaces } : {}),
    ...(req.destroy ? { destroy: true } : {}),
    ...(req.refreshOnly ? { refreshOnly: true } : {}),
  });
}

function canUpdate(runtime: ResourceRuntime, address: string, inputs: StateResource["inputs"]): boolean {
  const type = resourceTypeOf(address);
  return type !== undefined && runtime.canUpdate({ address, type, inputs });
}

/** Instances by name: from state (what exists) first, then the desired resources. */
export function instanceLookup(
  state: { get(address: string): StateResource | undefined },
  desired: readonly DesiredResource[],
): InstanceLookup {
  let byName: Map<string, DesiredResource> | undefined;
  return (name) => {
    const address = `instance.${name}`;
    const s = state.get(address);
    if (s) return instanceRecord(s);
    byName ??= new Map(desired.filter((d) => d.type === "meshroom_instance").map((d) => [d.address, d]));
    const d = byName.get(address);
    return d ? instanceRecord(d) : undefined;
  };
}
