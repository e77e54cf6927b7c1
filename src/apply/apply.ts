import { MeshroomError } from "../errors/index.js";
import { DEFAULT_PARALLELISM, walkDag, type WalkPlace } from "../graph/index.js";
import type { Drift, Plan, PlanChange } from "../plan/index.js";
import type { JsonObject, MeshState, StatePersister, StepRecord } from "../state/index.js";
import { buildChangeGraph, parseNodeKey, type NodeKey, type NodePhase } from "./change-graph.js";
import type { ApplyEventSink } from "./events.js";
import type { ResourceRuntime, ResourceStep } from "./resource-runtime.js";
import { isTeardownRecord, mergedOutputs, setupRecords, sideOutputs } from "./step-records.js";

export interface ApplyDeps {
  /** Holds the state being changed; every change goes through it, and it alone decides when state is written. */
  persister: StatePersister;
  runtime: ResourceRuntime;
  /** Most hooks running at once (default 10). */
  parallelism?: number;
  /** Aborting stops new work; running hooks see their signal abort; state stays resumable. */
  signal?: AbortSignal;
  onEvent?: ApplyEventSink;
  now?: () => number;
}

export interface ApplyFailure {
  address: string;
  phase: NodePhase;
  error: unknown;
}

export interface ApplyResult {
  added: number;
  changed: number;
  destroyed: number;
  failures: ApplyFailure[];
  skipped: Array<{ address: string; phase: NodePhase; because: string }>;
  /** Resources interrupted while running, or never started, because the signal aborted. */
  interrupted: string[];
  /** Set when the final save of state failed (the state went to the errored file when possible). */
  stateError?: unknown;
}

/**
 * Runs a plan: walks the change graph (creates/updates in dependency order, deletes in reverse)
 * with bounded parallelism, runs each resource's steps through the runtime, and records in state
 * a `pending_step` before each step and the step in `steps_done` once it completed — so an
 * interrupted run resumes without repeating completed steps. A failed create is left `tainted`.
 * Never throws for a resource's failure: they are in the result (and were reported as events).
 *
 * Group commit: a completed step is stored (written and fsynced: `persister.flush()`) before the
 * resource goes on, finishes or is reported, so a crash (kill -9) cannot make the next run repeat
 * a step that had returned more than one save interval earlier. While it waits for the disk a
 * resource leaves its place in the walk (`WalkPlace`: the parallelism limit is on running hooks),
 * so other resources' hooks run meanwhile and steps finishing together share one write; resources
 * not started yet wait as keys in the walk, not as suspended calls. When a save fails, no new
 * hook starts (running ones are aborted): what they did could not be recorded.
 */
export async function apply(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const now = deps.now ?? (() => performance.now());
  const emit = deps.onEvent ?? (() => undefined);
  const byAddress = new Map(plan.changes.map((c) => [c.address, c]));
  const result: ApplyResult = { added: 0, changed: 0, destroyed: 0, failures: [], skipped: [], interrupted: [] };
  const stop = new AbortController();
  const runner = new _ResourceRunner(deps, emit, (e) => {
    result.stateError ??= e;
    stop.abort(e);
  });

  const recorded = plan.recordDrift ?? [];
  if (recorded.length > 0) deps.persister.update((s) => recordDrift(s, recorded));
  if (plan.changes.length > 0) {
    const dag = buildChangeGraph(plan.changes);
    const visit = async (key: NodeKey, signal: AbortSignal, place: WalkPlace): Promise<void> => {
      const { phase, address } = parseNodeKey(key);
      const c = byAddress.get(address)!;
      const t0 = now();
      emit({ type: "start", address, phase });
      try {
        if (phase === "create") await runner.create(c, signal, place);
        else if (phase === "update") await runner.update(c, signal, place);
        else await runner.delete(c, signal, place);
      } catch (error) {
        const elapsedMs = now() - t0;
        if (signal.aborted) emit({ type: "interrupted", address, phase, elapsedMs });
        else emit({ type: "fail", address, phase, elapsedMs, error });
        throw error;
      }
      emit({ type: "finish", address, phase, elapsedMs: now() - t0 });
    };
    const results = await walkDag(dag, visit, {
      // the limit is on running hooks: a resource waiting for the disk leaves its place (see _durable)
      parallelism: _checkParallelism(deps.parallelism ?? DEFAULT_PARALLELISM),
      signal: deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal,
      onSettled: (key, r) => {
        const { phase, address } = parseNodeKey(key);
        if (r.status === "skipped") {
          const because = parseNodeKey(r.skippedBecause!).address;
          result.skipped.push({ address, phase, because });
          emit({ type: "skip", address, phase, because });
        }
      },
    });
    for (const [key, r] of results) {
      const { phase, address } = parseNodeKey(key);
      if (r.status === "done") {
        if (phase === "create") result.added++;
        else if (phase === "update") result.changed++;
        else result.destroyed++;
      } else if (r.status === "failed" && !_isStateSaveFailure(r.error)) result.failures.push({ address, phase, error: r.error });
      else if (r.status === "cancelled" && !result.interrupted.includes(address)) result.interrupted.push(address);
    }
  }
  try {
    await deps.persister.flush();
  } catch (e) {
    result.stateError = e;
  }
  if (result.stateError !== undefined) emit({ type: "state-error", error: result.stateError });
  return result;
}

function _checkParallelism(n: number): number {
  if (!(n === Infinity || (Number.isInteger(n) && n >= 1))) {
    throw new MeshroomError("E_BAD_VALUE", `Parallelism must be a positive integer, got ${n}`);
  }
  return n;
}

const STATE_SAVE_FAILURE = Symbol.for("meshroom.apply.state-save-failure");

/** The rejection of a resource whose completed step could not be stored (reported once, as the result's stateError). */
function _isStateSaveFailure(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[STATE_SAVE_FAILURE] === true;
}

/** Records what `read` hooks found, as found (gone resources are forgotten): a refresh-only plan. */
function recordDrift(s: MeshState, drift: readonly Drift[]): void {
  for (const d of drift) {
    if (!s.has(d.address)) continue;
    if (d.kind === "gone") s.delete(d.address);
    else s.patch(d.address, { outputs: d.after });
  }
}

class _ResourceRunner {
  constructor(
    private readonly _d: ApplyDeps,
    private readonly _emit: ApplyEventSink,
    private readonly _onSaveFailure: (error: unknown) => void,
  ) {}

  private get _p(): StatePersister {
    return this._d.persister;
  }

  async create(c: PlanChange, signal: AbortSignal, place: WalkPlace): Promise<void> {
    const after = c.after!;
    const address = c.address;
    const prior = this._p.state.get(address);
    const steps = this._d.runtime.setupSteps({ address, type: c.type, inputs: after.inputs });
    let done: StepRecord[] = prior && c.reason === "create_resume_interrupted" ? resumedRecords(address, prior.steps_done, steps) : [];
    const todo = done.length === 0 ? steps : steps.filter((st) => !done.some((r) => r.id === st.id));
    this._p.update((s) =>
      s.set({
        address, type: c.type, status: todo.length === 0 ? "ready" : "pending", inputs: after.inputs, outputs: mergedOutputs(address, done),
        secret_hmacs: after.secret_hmacs, steps_done: done, dependencies: c.dependencies,
      }),
    );
    for (let i = 0; i < todo.length; i++) {
      const step = todo[i]!;
      const out = await this._runStep(place, address, step, "setup", signal, mergedOutputs(address, done), () =>
        this._p.update((s) => s.patch(address, { status: "tainted", pending_step: undefined })),
      );
      done = [...done, record(step, out)];
      const snapshot = done;
      // The last step's record makes the resource ready in the same save (one render less per resource).
      const status = i === todo.length - 1 ? { status: "ready" as const } : {};
      this._p.update((s) => s.patch(address, { steps_done: snapshot, outputs: mergedOutputs(address, snapshot), pending_step: undefined, ...status }));
      await this._durable(place);
    }
  }

  async update(c: PlanChange, signal: AbortSignal, place: WalkPlace): Promise<void> {
    const after = c.after!;
    const address = c.address;
    const prior = this._p.state.get(address);
    if (!prior) throw new MeshroomError("E_STATE", `${address} is not in state any more; run \`meshroom plan\` again`);
    let records = [...prior.steps_done];
    for (const step of this._d.runtime.updateSteps({ address, type: c.type, inputs: after.inputs })) {
      const out = await this._runStep(place, address, step, "update", signal, sideOutputs(address, records, step.side), () =>
        this._p.update((s) => s.patch(address, { pending_step: undefined })), c);
      if (out && Object.keys(out).length > 0) records = mergeIntoSide(address, records, step.side, out);
    }
    const final = records;
    this._p.update((s) =>
      s.patch(address, {
        status: "ready", inputs: after.inputs, secret_hmacs: after.secret_hmacs, dependencies: c.dependencies,
        steps_done: final, outputs: mergedOutputs(address, final), pending_step: undefined,
      }),
    );
    await this._durable(place);
  }

  async delete(c: PlanChange, signal: AbortSignal, place: WalkPlace): Promise<void> {
    const address = c.address;
    const prior = this._p.state.get(address);
    if (!prior) return; // already gone (e.g. `state rm` since the plan)
    if (c.action === "replace" && prior.status !== "tainted") this._p.update((s) => s.patch(address, { status: "tainted" }));
    const completed = setupRecords(address, prior.steps_done);
    const tornDown = new Set(prior.steps_done.filter((r) => isTeardownRecord(address, r)).map((r) => r.id));
    let records = [...prior.steps_done];
    const steps = this._d.runtime.teardownSteps({ address, type: prior.type, inputs: prior.inputs }, completed, prior.status);
    const todo = tornDown.size === 0 ? steps : steps.filter((st) => !tornDown.has(st.id));
    if (todo.length === 0) this._p.update((s) => s.delete(address));
    for (let i = 0; i < todo.length; i++) {
      const step = todo[i]!;
      const out = await this._runStep(place, address, step, "teardown", signal, sideOutputs(address, records, step.side), () =>
        this._p.update((s) => s.patch(address, { pending_step: undefined })),
      );
      records = [...records, record(step, out)];
      const snapshot = records;
      // The last step's save removes the resource (the same stored outcome as recording it, then removing it).
      if (i === todo.length - 1) this._p.update((s) => s.delete(address));
      else this._p.update((s) => s.patch(address, { steps_done: snapshot, pending_step: undefined }));
      await this._durable(place);
    }
  }

  /**
   * Waits until what was recorded so far is stored (one write for every step that completed
   * meanwhile), without holding a place in the walk. A failed save stops the run (see `apply`).
   */
  private async _durable(place: WalkPlace): Promise<void> {
    place.leave();
    try {
      await this._p.flush();
    } catch (e) {
      this._onSaveFailure(e);
      const err = e instanceof Error ? e : new Error(String(e));
      throw Object.assign(err, { [STATE_SAVE_FAILURE]: true });
    }
  }

  /** Takes a place in the walk back, marks the step pending, runs it; on a failure (not an interruption) calls `onFail` and rethrows. */
  private async _runStep(
    place: WalkPlace, address: string, step: ResourceStep, action: "setup" | "teardown" | "update", signal: AbortSignal, outputs: JsonObject,
    onFail: () => void, change?: PlanChange,
  ): Promise<JsonObject | undefined> {
    if (signal.aborted) throw new MeshroomError("E_ABORTED", `${address}: interrupted before '${step.title}'`);
    await place.take();
    this._p.update((s) =>
      s.patch(address, {
        pending_step: { id: step.id, title: step.title, ...(step.side ? { side: step.side } : {}), action, started: new Date().toISOString() },
      }),
    );
    this._emit({ type: "step", address, title: step.title, phase: action });
    try {
      return await step.run({ signal, outputs, ...(change ? { changes: change.fields } : {}) });
    } catch (e) {
      if (!signal.aborted) onFail();
      throw e;
    }
  }
}

/** Records of an interrupted create that a planned step still matches (the rest are not kept). */
function resumedRecords(address: string, prior: readonly StepRecord[], steps: readonly ResourceStep[]): StepRecord[] {
  const planned = new Set(steps.map((s) => s.id));
  return setupRecords(address, prior).filter((r) => planned.has(r.id));
}

function record(step: ResourceStep, out: JsonObject | undefined): StepRecord {
  return { id: step.id, title: step.title, ...(step.side ? { side: step.side } : {}), outputs: out ?? {} };
}

/** Update outputs land on the last setup record of their side (where teardown/read find them). */
function mergeIntoSide(address: string, records: StepRecord[], side: string | undefined, out: JsonObject): StepRecord[] {
  let idx = -1;
  records.forEach((r, i) => {
    if (!isTeardownRecord(address, r) && (side === undefined || r.side === side)) idx = i;
  });
  if (idx < 0) return records;
  const next = [...records];
  next[idx] = { ...next[idx]!, outputs: { ...next[idx]!.outputs, ...out } };
  return next;
}
