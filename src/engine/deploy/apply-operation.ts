import { apply, type ApplyEventSink, type ApplyResult } from "../../apply/index.js";
import { isMeshroomError, MeshroomError } from "../../errors/index.js";
import { hasChanges, type Plan } from "../../plan/index.js";
import { APPLY_SAVE_PACING, MeshState, StatePersister, type EmergencySave } from "../../state/index.js";
import { desiredResources } from "../../synth/index.js";
import type { EngineSetup } from "./engine-setup.js";
import { withStateLock } from "../../state/with-state-lock.js";
import { computePlan, instanceLookup, type PlanRequest } from "./plan-operation.js";
import { assertPlanFresh, type SavedPlan } from "../../plan/plan-file.js";

export interface ApplyRequest extends PlanRequest {
  /** Run this saved plan as-is (no question asked); refused if the state moved since. */
  saved?: { plan: SavedPlan; file: string };
  /** Shown the plan; resolves true to go on. Absent: auto-approve. Not called for saved plans. */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Called with the plan before asking (to print it). */
  onPlan?: (plan: Plan) => void;
  onEvent?: ApplyEventSink;
  /**
   * Aborted when the process is about to exit at once (a second Ctrl-C): while changes are being
   * applied, the state is saved synchronously inside `abort()` and `onStoppedNow` is told how.
   */
  stopNow?: AbortSignal;
  onStoppedNow?: (saved: EmergencySave) => void;
}

export interface ApplyOutcome {
  plan: Plan;
  /** Undefined when there was nothing to do. */
  result?: ApplyResult;
}

/**
 * `meshroom apply` / `destroy` / `up` / `down`: lock, plan (or check the saved plan), confirm,
 * walk the changes, save state (coalesced; always flushed), release the lock. A declined
 * confirmation is E_ABORTED (exit 1) with nothing changed.
 */
export async function applyOperation(setup: EngineSetup, req: ApplyRequest = {}): Promise<ApplyOutcome> {
  const operation = req.destroy ? "destroy" : req.saved ? "apply (saved plan)" : "apply";
  return withStateLock(setup.store, operation, req, async () => {
    const stateFile = await setup.store.read();
    let plan: Plan;
    let resources = setup.resources;
    if (req.saved) {
      assertPlanFresh(req.saved.plan, stateFile, req.saved.file);
      plan = req.saved.plan.plan;
      resources = desiredResources(req.saved.plan.document);
    } else {
      plan = await computePlan(setup, stateFile, req);
    }
    req.onPlan?.(plan);
    if (!hasChanges(plan)) return { plan };
    if (!req.saved && req.confirm && !(await req.confirm(plan))) {
      throw new MeshroomError("E_ABORTED", "Apply cancelled: only 'yes' is accepted to approve.", { detail: "Nothing was changed." });
    }
    const persister = new StatePersister(setup.store, MeshState.fromFile(stateFile), { pacing: APPLY_SAVE_PACING });
    const stopListening = req.stopNow ? persister.saveWhenStopped(req.stopNow, req.onStoppedNow) : () => undefined;
    const runtime = setup.runtimeFor(instanceLookup(persister.state, resources));
    // resources deleted because they left the mesh (not a destroy of what is still declared):
    // their secrets go once their teardown succeeded
    const desired = new Set(resources.map((r) => r.address));
    const leaving = plan.changes.filter((c) => c.action === "delete" && !desired.has(c.address)).map((c) => c.address);
    try {
      await setup.checkSecrets?.(plan, runtime, persister.state, leaving); // before any hook runs
      const result = await apply(plan, {
        persister, runtime,
        ...(req.parallelism ? { parallelism: req.parallelism } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.onEvent ? { onEvent: req.onEvent } : {}),
      });
      const gone = leaving.filter((a) => persister.state.get(a) === undefined);
      await afterApplyNaming(setup, result, gone);
      return { plan, result };
    } finally {
      stopListening();
    }
  });
}

/**
 * Deletes the secrets of the resources that are gone, then runs `setup.afterApply` (saves what is
 * left of the secrets, e.g. those of a hook that failed).
 * Its error replaces the apply's result, so it names the resources that failed too.
 */
async function afterApplyNaming(setup: EngineSetup, result: ApplyResult, gone: readonly string[]): Promise<void> {
  try {
    if (gone.length > 0) await setup.forgetSecrets?.(gone);
    await setup.afterApply?.();
  } catch (e) {
    if (!isMeshroomError(e) || result.failures.length === 0) throw e;
    const failed = result.failures.map((f) => `  ${f.address}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    throw new MeshroomError(e.code, e.message, {
      detail: `${e.detail ? `${e.detail}\n` : ""}The apply failed for:\n${failed.join("\n")}\nThe state records what completed.`,
      cause: e,
    });
  }
}

/** `meshroom destroy`: an apply of the destroy plan. */
export function destroyOperation(setup: EngineSetup, req: Omit<ApplyRequest, "destroy" | "saved"> = {}): Promise<ApplyOutcome> {
  return applyOperation(setup, { ...req, destroy: true });
}

/** `meshroom refresh`: runs `read` hooks and records what they found in state (no hook changes anything). */
export function refreshOperation(setup: EngineSetup, req: Omit<ApplyRequest, "refreshOnly" | "saved" | "destroy"> = {}): Promise<ApplyOutcome> {
  return applyOperation(setup, { ...req, refreshOnly: true, refresh: true });
}

/** Exit code of an apply: 0 when everything finished, 130 when interrupted, 1 otherwise. */
export function applyExitCode(outcome: ApplyOutcome, interruptedBySignal: boolean): number {
  const r = outcome.result;
  if (!r) return 0;
  if (interruptedBySignal) return 130;
  return r.failures.length > 0 || r.stateError !== undefined || r.interrupted.length > 0 ? 1 : 0;
}
