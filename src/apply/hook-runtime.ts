import {
  type CapabilityGraph, type PlugShape, findIntegration, planPlugSteps, planTeardownSteps, plugSideHooks, setupSides,
} from "../capabilities/index.js";
import { MeshroomError } from "../errors/index.js";
import { hookInput, runHook, type HookInput, type HookResult, type HookLogSink, type HookRegistry, type SecretAccess } from "../hooks/index.js";
import {
  compareHookOrder, integrationRefKey, sideIntegration, type HookDescriptor, type HookKind, type InstanceInputs, type IntegrationRef, type PlugInputs,
} from "../model/index.js";
import type { JsonObject, ResourceStatus, StepRecord } from "../state/index.js";
import { instanceRecord, plugRecord } from "../synth/index.js";
import { redactValue } from "../util/redact.js";
import type { FieldChange } from "../plan/index.js";
import type { ReadOutcome, ResourceRuntime, ResourceStep, RuntimeResource, StepPhase } from "./resource-runtime.js";
import { sideOutputs } from "./step-records.js";

export interface HookRuntimeOptions {
  graph: CapabilityGraph;
  hooks: HookRegistry;
  /** The instance a plug side acts for (its product and settings), from state or the plan. */
  instance: (name: string) => InstanceInputs | undefined;
  secrets?: SecretAccess;
  /**
   * Makes the secrets hooks set durable (saves the store). Called after each hook that set or
   * deleted a secret, before the hook's step counts as done — so state never records a step (or
   * the resource as ready) whose secrets are only in memory. A failure fails the step.
   */
  saveSecrets?: () => Promise<void>;
  log?: HookLogSink;
}

/** Runs resources' lifecycles with the project's hooks (instance hooks; plug steps in the spec's order). */
export class HookRuntime implements ResourceRuntime {
  constructor(private readonly _o: HookRuntimeOptions) {}

  setupSteps(r: RuntimeResource): ResourceStep[] {
    if (r.type === "meshroom_instance") return this._instanceSteps(r, "setupInstance", "setup", false);
    const p = plugRecord(r);
    return planPlugSteps(this._o.graph, _shape(p)).map((s) => this._plugStep(r, p, s.id, s.side, s.hook, s.integration, "setup"));
  }

  teardownSteps(r: RuntimeResource, completedSetup: readonly StepRecord[], status: ResourceStatus): ResourceStep[] {
    if (r.type === "meshroom_instance") {
      const hadSetupHooks = this._productHooks(instanceRecord(r).product, "setupInstance").length > 0;
      // Bookkeeping-only instances (no setup hook) that reached "ready" still get their teardown hooks.
      if (completedSetup.length === 0 && (hadSetupHooks || status !== "ready")) return [];
      return this._instanceSteps(r, "teardownInstance", "teardown", true);
    }
    const p = plugRecord(r);
    const completed = completedSetup.filter(onPlugSide);
    return planTeardownSteps(this._o.graph, _shape(p), completed).map((s) =>
      this._plugStep(r, p, s.id, s.side, s.hook, s.integration, "teardown"),
    );
  }

  canUpdate(r: RuntimeResource): boolean {
    if (r.type === "meshroom_instance") return false;
    try {
      const shape = _shape(plugRecord(r));
      return setupSides(shape).every((side) => plugSideHooks(this._o.graph, shape, side, "update").length > 0);
    } catch {
      return false;
    }
  }

  updateSteps(r: RuntimeResource): ResourceStep[] {
    if (!this.canUpdate(r)) return [];
    const p = plugRecord(r);
    const shape = _shape(p);
    return setupSides(shape).flatMap((side) => {
      const ref = sideIntegration(p, side)!;
      return plugSideHooks(this._o.graph, shape, side, "update").map((h) =>
        this._plugStep(r, p, `${r.address}/${side}/update/${h.id}`, side, h, ref, "update"),
      );
    });
  }

  hasRead(r: RuntimeResource): boolean {
    return this._readHooks(r).length > 0;
  }

  async read(r: RuntimeResource, steps: readonly StepRecord[], signal: AbortSignal): Promise<ReadOutcome | undefined> {
    const reads = this._readHooks(r);
    if (reads.length === 0) return undefined;
    const merged: JsonObject = {};
    for (const { hook, side } of reads) {
      const outputs = sideOutputs(r.address, steps, side);
      const input = side === undefined ? hookInput({ instance: instanceRecord(r) }, { outputs }) : this._plugInput(r, plugRecord(r), side, outputs);
      const res = await this._callRaw(hook, r.address, input, signal);
      if (res.exists === false) return { exists: false };
      Object.assign(merged, res.outputs ?? {});
    }
    return { exists: true, outputs: merged };
  }

  /**
   * The read hooks of a resource, in call order, each with the plug side it reads (one selection
   * for hasRead and read). A refresh asks for every resource in state: plugs going through the
   * same integrations get the same hooks, so a selection is remembered by what it depends on
   * (the failures, which name the plug, are not).
   */
  private _readHooks(r: RuntimeResource): ReadonlyArray<{ hook: HookDescriptor; side?: "src" | "dst" }> {
    if (r.type === "meshroom_instance") return this._productHooks(instanceRecord(r).product, "readInstance").map((hook) => ({ hook }));
    const p = plugRecord(r);
    const key = _readKey(p);
    const known = this._reads.get(key);
    if (known) return known;
    const shape = _shape(p);
    const reads = setupSides(shape).flatMap((side) => plugSideHooks(this._o.graph, shape, side, "read").map((hook) => ({ hook, side })));
    this._reads.set(key, reads);
    return reads;
  }

  private readonly _reads = new Map<string, ReadonlyArray<{ hook: HookDescriptor; side: "src" | "dst" }>>();

  private _productHooks(product: string, kind: HookKind): HookDescriptor[] {
    return (this._o.graph.hooks.get(product) ?? []).filter((h) => h.kind === kind).sort(compareHookOrder);
  }

  private _instanceSteps(r: RuntimeResource, kind: HookKind, phase: StepPhase, reverse: boolean): ResourceStep[] {
    const hooks = this._productHooks(instanceRecord(r).product, kind);
    if (reverse) hooks.reverse();
    return hooks.map((h) => this._instanceStep(r, h, `${r.address}/${kind}/${h.id}`, phase));
  }

  private _instanceStep(r: RuntimeResource, h: HookDescriptor, id: string, phase: StepPhase): ResourceStep {
    const instance = instanceRecord(r);
    return {
      id, title: h.title, phase, hook: h,
      run: ({ signal, outputs }) => this._call(h, r.address, hookInput({ instance }, { outputs }), signal),
    };
  }

  private _plugStep(
    r: RuntimeResource, p: PlugInputs, id: string, side: "src" | "dst", h: HookDescriptor, ref: IntegrationRef, phase: StepPhase,
  ): ResourceStep {
    return {
      id, title: h.title, phase, side, hook: h,
      run: ({ signal, outputs, changes }) => this._call(h, r.address, this._plugInput(r, p, side, outputs, changes, ref), signal),
    };
  }

  /** A plug side's hook input; `ref` is the integration the step was planned with (default: the one the plug records for the side). */
  private _plugInput(
    r: RuntimeResource, p: PlugInputs, side: "src" | "dst", outputs: JsonObject, changes?: readonly FieldChange[], ref = sideIntegration(p, side),
  ): HookInput {
    const name = side === "src" ? p.src : p.dst;
    const instance = this._o.instance(name);
    if (!instance) throw new MeshroomError("E_STATE", `${r.address}: instance ${name} is neither in the plan nor in state`);
    const explicit = ref ? findIntegration(this._o.graph, ref)?.definition : undefined;
    const inputs: PlugInputs = ref === sideIntegration(p, side) ? p : { ...p, [side === "src" ? "src_integration" : "dst_integration"]: ref };
    return hookInput(
      { instance, plug: { inputs, side, ...(explicit ? { explicit } : {}) } },
      {
        outputs,
        // Secret changes are HMACs: hooks only learn that they changed.
        ...(changes ? { changes: changes.map((c) => (c.sensitive ? { path: c.path } : { path: c.path, before: c.before, after: c.after })) } : {}),
      },
    );
  }

  private async _call(h: HookDescriptor, address: string, input: HookInput, signal: AbortSignal): Promise<JsonObject | undefined> {
    return (await this._callRaw(h, address, input, signal)).outputs;
  }

  /**
   * Outputs go to state, saved plans and drift reports, so known secret values are redacted out
   * of them here, before anything keeps them: a hook that needs a secret later (in teardown or
   * read) stores it with `setSecret` and reads it back with `getSecret`, not through outputs.
   */
  private async _callRaw(h: HookDescriptor, address: string, input: HookInput, signal: AbortSignal): Promise<HookResult> {
    const secrets = this._o.secrets ? _trackWrites(this._o.secrets) : undefined;
    const res = await runHook(this._o.hooks.require(h.id), input, {
      address, signal,
      ...(this._o.log ? { log: this._o.log } : {}),
      ...(secrets ? { secrets: secrets.access } : {}),
    });
    if (secrets?.wrote()) await this._saveSecrets(h);
    return res.outputs === undefined ? res : { ...res, outputs: redactValue(res.outputs) };
  }

  /** Saves what a hook set before its step is recorded; a failure fails the step, naming the resource. */
  private async _saveSecrets(h: HookDescriptor): Promise<void> {
    if (!this._o.saveSecrets) return;
    try {
      await this._o.saveSecrets();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const fix = e instanceof MeshroomError && e.detail ? `${e.detail}\n` : "";
      throw new MeshroomError("E_SECRETS", `hook '${h.title}' ran, but the secrets it set could not be saved: ${why}`, {
        detail: `${fix}The step is not recorded as done: fix the store, then run \`meshroom apply\` again to run it again.`,
        cause: e,
      });
    }
  }
}

function onPlugSide(s: StepRecord): s is StepRecord & { side: "src" | "dst" } {
  return s.side === "src" || s.side === "dst";
}

/** The hook's view of the store, noting whether it set or deleted anything. */
function _trackWrites(s: SecretAccess): { access: SecretAccess; wrote: () => boolean } {
  let wrote = false;
  return {
    access: {
      get: (scope, name) => s.get(scope, name),
      set: async (scope, name, value) => {
        wrote = true;
        await s.set(scope, name, value);
      },
      delete: async (scope, name) => {
        wrote = true;
        await s.delete(scope, name);
      },
    },
    wrote: () => wrote,
  };
}

/**
 * What a plug's read hooks depend on: which sides run (owner, mode) and the integration each
 * side's ref finds (product, target and key: see findIntegration).
 */
function _readKey(p: PlugInputs): string {
  const owner = p.owner === p.src ? "src" : p.owner === p.dst ? "dst" : "both";
  const ref = (r: IntegrationRef | null): string => (r === null ? "-" : integrationRefKey(r));
  return `${owner}\u0001${p.mode}\u0001${ref(p.src_integration)}\u0001${ref(p.dst_integration)}`;
}

function _shape(p: PlugInputs): PlugShape {
  return {
    src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, owner: p.owner,
    ...(p.src_integration ? { srcIntegration: p.src_integration } : {}),
    ...(p.dst_integration ? { dstIntegration: p.dst_integration } : {}),
  };
}
