import type { ExplicitIntegration, HookDescriptor, IntegrationKey, IntegrationRef, SettingDef } from "../model/index.js";
import { MODES, ROLES, integrationKeyString, integrationStem } from "../model/index.js";
import type { Ownership } from "./hook-scope.js";

/** One side of an interop between `product` and `target`, explicit (YAML) or generic (implied). */
export interface Integration extends IntegrationKey {
  product: string;
  target: string;
  explicit: boolean;
  /** The loaded YAML, for explicit integrations. */
  definition?: ExplicitIntegration;
  /** Every hook that applies (after overloading), in hook order; filter by `kind` as needed. */
  hooks: HookDescriptor[];
  ownership: Ownership;
  /** Settings asked when a plug uses this integration (explicit integrations only). */
  plugSettings: SettingDef[];
}

/** The reference a plug file keeps to the integration serving one of its sides. */
export function integrationRef(i: Integration): IntegrationRef {
  const ref: IntegrationRef = {
    product: i.product, target: i.target, topic: i.topic, role: i.role, mode: i.mode, explicit: i.explicit,
  };
  if (i.format !== undefined) ref.format = i.format;
  return ref;
}

/** `<topic>_<role>[_<format>][_pull]`, the explicit integration's file stem (also used for name order). */
export function integrationName(i: IntegrationKey): string {
  return integrationStem(i);
}

function _cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Total order for listings: product, target, topic, role (producer, consumer, trigger,
 * executor), mode (push, pull), format (unset first), explicit before generic.
 */
export function compareIntegrations(a: Integration, b: Integration): number {
  return (
    _cmp(a.product, b.product) ||
    _cmp(a.target, b.target) ||
    _cmp(a.topic, b.topic) ||
    ROLES.indexOf(a.role) - ROLES.indexOf(b.role) ||
    MODES.indexOf(a.mode) - MODES.indexOf(b.mode) ||
    (a.format === undefined ? 0 : 1) - (b.format === undefined ? 0 : 1) ||
    _cmp(a.format ?? "", b.format ?? "") ||
    (a.explicit ? 0 : 1) - (b.explicit ? 0 : 1)
  );
}

/**
 * Whether a plug's recorded ref designates this integration (for "plugs using it").
 * The explicit flag is not compared: an explicit integration replaces the generic one
 * with the same key, so a plug made before the YAML existed now uses the explicit one.
 */
export function sameIntegration(ref: IntegrationRef, i: Pick<Integration, "product" | "target" | keyof IntegrationKey>): boolean {
  return ref.product === i.product && ref.target === i.target && integrationKeyString(ref) === integrationKeyString(i);
}
