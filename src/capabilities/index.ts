// capabilities: the capability graph (products' declared and hook-implied capabilities,
// explicit and generic integrations, the hooks that apply to each and their ownership),
// plug resolution (`meshroom plug`), the ordered setup/teardown steps of a plug, and the
// choice of produce/watch/trigger/execute hooks. Pure and in memory: hooks are described
// (HookDescriptor), never run; no I/O.
// May import: model, errors.
export { type MatchKey, capabilitiesMatch, formatsCompatible, moreSpecificFormat } from "./match.js";
export { impliedCapabilities, effectiveCapabilities } from "./capabilities-of.js";
export {
  type Ownership, type HookScope, INTEGRATION_HOOK_KINDS, hookAppliesTo, applyOverloading, hooksForScope, ownershipOf,
} from "./hook-scope.js";
export { type Integration, integrationRef, integrationName, compareIntegrations, sameIntegration } from "./integration.js";
export { type CapabilityGraph, type CapabilityGraphInput, buildCapabilityGraph, partnersOf } from "./graph.js";
export { integrationsBetween } from "./integrations-between.js";
export { type IntegrationFilter, listIntegrations } from "./list-integrations.js";
export { type PlugEnd, type ResolvePlugRequest, type ResolvedPlug, type PlugResolution, resolvePlug } from "./resolve-plug.js";
export { describeIntegration, createIntegrationCommand } from "./no-integration.js";
export {
  type PlugSide, type PlugShape, type PlugStep, findIntegration, setupSides, plugSideHooks, teardownHooksFor,
  planPlugSteps, planTeardownSteps,
} from "./plug-steps.js";
export { type RuntimeHookKind, type RuntimeHookRequest, type RuntimeHookChoice, selectRuntimeHook } from "./runtime-hook.js";
