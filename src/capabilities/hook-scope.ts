import { type HookDescriptor, type HookKind, type Mode, type Role, INTEGRATION_HOOK_KINDS, compareHookOrder } from "../model/index.js";

/** Ownership of an integration, read from its setup hooks (20-matching.md). */
export type Ownership = "owns both" | "owns self" | "no hook";

/** Hook kinds that attach to an integration (the others belong to products or instances); from model/hook-kinds.ts. */
export { INTEGRATION_HOOK_KINDS };

/** What a hook is matched against: one side (product → target) of an interop. */
export interface HookScope {
  product: string;
  target?: string;
  role?: Role;
  topic: string;
  /** Unset: any mode (runtime selection when the mode is not known). */
  mode?: Mode;
  format?: string;
  /** When true, hooks are not filtered by format (runtime selection without a known format). */
  anyFormat?: boolean;
}

/**
 * A hook applies when: product = scope product; target unset or = scope target; role, topic,
 * mode and format each unset on the hook or equal to the scope's.
 */
export function hookAppliesTo(h: HookDescriptor, s: HookScope): boolean {
  if (h.product !== s.product) return false;
  if (h.target !== undefined && h.target !== s.target) return false;
  if (h.role !== undefined && s.role !== undefined && h.role !== s.role) return false;
  if (h.topic !== undefined && h.topic !== s.topic) return false;
  if (h.mode !== undefined && s.mode !== undefined && h.mode !== s.mode) return false;
  if (!s.anyFormat && h.format !== undefined && h.format !== s.format) return false;
  return true;
}

/**
 * Overloading: for each hook kind, when an integration-specific hook (target set) is present,
 * the product-wide hooks (no target) of that kind are dropped unless `keepWhenOverloaded`.
 */
export function applyOverloading(hooks: readonly HookDescriptor[]): HookDescriptor[] {
  const overloaded = new Set<HookKind>();
  for (const h of hooks) if (h.target !== undefined) overloaded.add(h.kind);
  return hooks.filter((h) => h.target !== undefined || !overloaded.has(h.kind) || h.keepWhenOverloaded);
}

/** The hooks of the given kinds that apply to a scope, after overloading, in hook order. */
export function hooksForScope(
  hooks: readonly HookDescriptor[],
  scope: HookScope,
  kinds: readonly HookKind[] = INTEGRATION_HOOK_KINDS,
): HookDescriptor[] {
  const matching = hooks.filter((h) => kinds.includes(h.kind) && hookAppliesTo(h, scope));
  return applyOverloading(matching).sort(compareHookOrder);
}

/** "owns both" if some setup hook has ownsBoth; "owns self" if there are setup hooks; else "no hook". */
export function ownershipOf(hooks: readonly HookDescriptor[]): Ownership {
  const setups = hooks.filter((h) => h.kind === "setup");
  if (setups.length === 0) return "no hook";
  return setups.some((h) => h.ownsBoth) ? "owns both" : "owns self";
}
