import type { ResourceType } from "../model/index.js";
import type { JsonObject } from "../state/index.js";

export type PlanAction = "create" | "update" | "replace" | "delete" | "no-op";

/** Why a change is what it is (shown in plans, `action_reason` in JSON). */
export type ActionReason =
  | "create_because_absent"
  | "create_because_gone"
  | "create_resume_interrupted"
  | "update_because_inputs_changed"
  | "update_because_drift"
  | "update_resume_interrupted"
  | "replace_because_tainted"
  | "replace_by_request"
  | "replace_because_instance_replaced"
  | "replace_because_cannot_update"
  | "delete_because_removed"
  | "delete_because_destroy";

/** What a resource is (before) or will be (after): its inputs, and the HMACs of its secrets (never values). */
export interface ResourceValues {
  inputs: JsonObject;
  secret_hmacs: Record<string, string>;
}

export interface FieldChange {
  /** Dotted path in the inputs (`settings.port`), or `secrets.<NAME>`. */
  path: string;
  before?: unknown;
  after?: unknown;
  sensitive: boolean;
}

/** What a `read` hook found that differs from state. */
export interface Drift {
  address: string;
  type: ResourceType;
  kind: "gone" | "changed";
  before: JsonObject;
  after: JsonObject;
}

export interface PlanChange {
  address: string;
  type: ResourceType;
  action: PlanAction;
  reason?: ActionReason;
  before: ResourceValues | null;
  after: ResourceValues | null;
  /** Changed fields of an update or replace (creates and deletes: none; see `after`/`before`). */
  fields: FieldChange[];
  /** What it depends on in the desired document (create/update/replace). */
  dependencies: string[];
  /** What it depended on in state (delete/replace). */
  priorDependencies: string[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  noop: number;
}

export type PlanMode = "normal" | "destroy" | "refresh-only";

export interface Plan {
  mode: PlanMode;
  /** Every change except no-ops, in dependency-friendly address order (instances first). */
  changes: PlanChange[];
  drift: Drift[];
  /** Lineage and serial of the state planned against; null lineage when there was no state. */
  lineage: string | null;
  serial: number;
  summary: PlanSummary;
}

export interface RefreshResult {
  exists: boolean;
  outputs?: JsonObject;
}

export interface PlanOptions {
  /** Results of `read` hooks by address (absent: not refreshed). */
  refresh?: ReadonlyMap<string, RefreshResult>;
  /** HMAC of each secret used, by address then secret name. */
  secretHmacs?: ReadonlyMap<string, Record<string, string>>;
  /** True when the resource (with these inputs) can be changed in place. */
  hasUpdateHook?: (address: string, inputs: JsonObject) => boolean;
  targets?: readonly string[];
  excludes?: readonly string[];
  replaces?: readonly string[];
  destroy?: boolean;
  refreshOnly?: boolean;
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0 || (plan.mode === "refresh-only" && plan.drift.length > 0);
}
