import type { Mode, Role } from "./capability.js";
// Every kind of hook, and what each one is, lives in one table: ./hook-kinds.ts.
import type { HookKind } from "./hook-kinds.js";

export type HookOrder = "first" | "last" | number;

/**
 * What the capability graph needs to know of a registered hook, without running it.
 * Produced by the hooks module (TS files and YAML command hooks alike).
 */
export interface HookDescriptor {
  /** Unique within a loaded project (e.g. `products/myedr/hooks.ts#setupConsumer:events:0`). */
  id: string;
  kind: HookKind;
  product: string;
  /** Set for hooks that live in an integration's folder (integration-specific hooks). */
  target?: string;
  role?: Role;
  topic?: string;
  mode?: Mode;
  format?: string;
  order?: HookOrder;
  ownsBoth: boolean;
  keepWhenOverloaded: boolean;
  title: string;
  /** Seconds. */
  timeout: number;
  /** Environment variable names its programs inherit beyond the base set (exec/hook-env.ts). */
  env?: readonly string[];
  /** File that declared it (for messages). */
  source: string;
}

/** Sort key for the total order: "first", then integers ascending, then unset, then "last"; ties by title, then id. */
export function compareHookOrder(a: HookDescriptor, b: HookDescriptor): number {
  const rank = (o: HookOrder | undefined): [number, number] =>
    o === "first" ? [0, 0] : typeof o === "number" ? [1, o] : o === undefined ? [2, 0] : [3, 0];
  const [ra, na] = rank(a.order);
  const [rb, nb] = rank(b.order);
  if (ra !== rb) return ra - rb;
  if (na !== nb) return na - nb;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
