import { MeshroomError } from "../errors/index.js";
import type { HookDescriptor, HookKind, IntegrationRef, Plug } from "../model/index.js";
import { compareHookOrder, integrationKeyString, plugAddress } from "../model/index.js";
import type { CapabilityGraph } from "./graph.js";
import type { Integration } from "./integration.js";
import { integrationsBetween } from "./integrations-between.js";

export type PlugSide = "src" | "dst";

/** What planning a plug's setup needs to know of it (a `Plug` or a `ResolvedPlug`). */
export type PlugShape = Pick<Plug, "src" | "dst" | "topic" | "mode" | "owner" | "srcIntegration" | "dstIntegration">;

/** One hook call of a plug's setup or teardown. */
export interface PlugStep {
  /** Stable: `<plug address>/<side>/<kind>/<hook id>`. */
  id: string;
  side: PlugSide;
  /** Name of the instance the hook acts for. */
  instance: string;
  hook: HookDescriptor;
  integration: IntegrationRef;
}

/** The integration a plug's ref points to, if the project still has it. */
export function findIntegration(graph: CapabilityGraph, ref: IntegrationRef): Integration | undefined {
  const k = integrationKeyString(ref);
  // An explicit integration replaces the generic one with the same key, so the key alone identifies it.
  return integrationsBetween(graph, ref.product, ref.target).find((i) => integrationKeyString(i) === k);
}

function _sideIntegration(graph: CapabilityGraph, plug: PlugShape, side: PlugSide): { ref: IntegrationRef; integration: Integration } {
  const ref = side === "src" ? plug.srcIntegration : plug.dstIntegration;
  // built for the errors only: this runs for every plug side a plan or an apply looks at
  const addr = () => plugAddress(plug.src, plug.dst, plug.topic, plug.mode);
  if (!ref) {
    throw new MeshroomError("E_NO_INTEGRATION", `${addr()}: no ${side === "src" ? "source" : "destination"}-side integration recorded`, {
      detail: `unplug and plug it again: meshroom unplug ${plug.topic} ${plug.src} ${plug.dst}${plug.mode === "pull" ? " --mode pull" : ""}`,
    });
  }
  const integration = findIntegration(graph, ref);
  if (!integration) {
    const what = `${ref.explicit ? "explicit" : "generic"} ${ref.product} → ${ref.target} ${ref.topic} ${ref.role}${ref.format ? ` ${ref.format}` : ""} (${ref.mode})`;
    throw new MeshroomError("E_NO_INTEGRATION", `${addr()}: its ${side} integration (${what}) is no longer in the project`, {
      detail: `restore the integration, or unplug and plug again: meshroom unplug ${plug.topic} ${plug.src} ${plug.dst}${plug.mode === "pull" ? " --mode pull" : ""}`,
    });
  }
  return { ref, integration };
}

/**
 * Sides whose setup hooks run, in setup order: both own self → push: destination
 * (consumer/executor) then source; pull: source then destination. One side owns both →
 * only that side.
 */
export function setupSides(plug: PlugShape): PlugSide[] {
  if (plug.owner === plug.src) return ["src"];
  if (plug.owner === plug.dst) return ["dst"];
  return plug.mode === "push" ? ["dst", "src"] : ["src", "dst"];
}

/** Hooks of one kind that apply to one side's integration (overloading applied), in hook order. */
export function plugSideHooks(graph: CapabilityGraph, plug: PlugShape, side: PlugSide, kind: HookKind): HookDescriptor[] {
  const { integration } = _sideIntegration(graph, plug, side);
  return integration.hooks.filter((h) => h.kind === kind).sort(compareHookOrder);
}

/** The teardown, read and update hooks of one side (for destroy, drift checks, in-place updates). */
export function teardownHooksFor(
  graph: CapabilityGraph,
  plug: PlugShape,
  side: PlugSide,
): { teardown: HookDescriptor[]; read: HookDescriptor[]; update: HookDescriptor[] } {
  return {
    teardown: plugSideHooks(graph, plug, side, "teardown"),
    read: plugSideHooks(graph, plug, side, "read"),
    update: plugSideHooks(graph, plug, side, "update"),
  };
}

function _steps(graph: CapabilityGraph, plug: PlugShape, side: PlugSide, kind: HookKind): PlugStep[] {
  const { ref } = _sideIntegration(graph, plug, side);
  const addr = plugAddress(plug.src, plug.dst, plug.topic, plug.mode);
  const instance = side === "src" ? plug.src : plug.dst;
  return plugSideHooks(graph, plug, side, kind).map((hook) => ({
    id: `${addr}/${side}/${kind}/${hook.id}`, side, instance, hook, integration: ref,
  }));
}

/** The ordered setup steps of a plug. */
export function planPlugSteps(graph: CapabilityGraph, plug: PlugShape): PlugStep[] {
  return setupSides(plug).flatMap((side) => _steps(graph, plug, side, "setup"));
}

/**
 * Teardown steps after the given setup steps completed: the sides that ran, last one
 * first, each side's teardown hooks in reverse hook order.
 */
export function planTeardownSteps(graph: CapabilityGraph, plug: PlugShape, completed: readonly Pick<PlugStep, "side">[]): PlugStep[] {
  const ran = new Set(completed.map((s) => s.side));
  const sides = setupSides(plug).filter((s) => ran.has(s)).reverse();
  return sides.flatMap((side) => _steps(graph, plug, side, "teardown").reverse());
}
