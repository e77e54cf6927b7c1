// The plan's shape, written once as zod schemas; the TypeScript types are inferred from them, and
// the plan file (plan-file.ts) checks a saved plan against the same `PlanSchema`.
import { z } from "zod";
import type { ResourceType } from "../model/index.js";
import type { JsonObject } from "../state/index.js";

// A plan is made in-process or parsed from JSON text, so every value is JSON by construction:
// only the object shape is checked (a deep check costs too much on 10,000-resource plans).
const JsonObjectSchema = z.custom<JsonObject>((v) => typeof v === "object" && v !== null && !Array.isArray(v), { message: "expected a JSON object" });
const ResourceTypeSchema = z.enum(["meshroom_instance", "meshroom_plug"]) satisfies z.ZodType<ResourceType>;

export const PlanActionSchema = z.enum(["create", "update", "replace", "delete", "no-op"]);
export type PlanAction = z.infer<typeof PlanActionSchema>;

/** Why a change is what it is (shown in plans, `action_reason` in JSON). */
export const ActionReasonSchema = z.enum([
  "create_because_absent",
  "create_because_gone",
  "create_resume_interrupted",
  "update_because_inputs_changed",
  "update_because_drift",
  "update_resume_interrupted",
  "replace_because_tainted",
  "replace_by_request",
  "replace_because_instance_replaced",
  "replace_because_cannot_update",
  "delete_because_removed",
  "delete_because_destroy",
]);
export type ActionReason = z.infer<typeof ActionReasonSchema>;

/** What a resource is (before) or will be (after): its inputs, and the HMACs of its secrets (never values). */
export const ResourceValuesSchema = z.strictObject({ inputs: JsonObjectSchema, secret_hmacs: z.record(z.string(), z.string()) });
export type ResourceValues = z.infer<typeof ResourceValuesSchema>;

export const FieldChangeSchema = z.strictObject({
  /** Dotted path in the inputs (`settings.port`), or `secrets.<NAME>`. */
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  sensitive: z.boolean(),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

/** What a `read` hook found that differs from state. */
export const DriftSchema = z.strictObject({
  address: z.string(),
  type: ResourceTypeSchema,
  kind: z.enum(["gone", "changed"]),
  before: JsonObjectSchema,
  after: JsonObjectSchema,
});
export type Drift = z.infer<typeof DriftSchema>;

export const PlanChangeSchema = z.strictObject({
  address: z.string(),
  type: ResourceTypeSchema,
  action: PlanActionSchema,
  reason: ActionReasonSchema.optional(),
  before: ResourceValuesSchema.nullable(),
  after: ResourceValuesSchema.nullable(),
  /** Changed fields of an update or replace (creates and deletes: none; see `after`/`before`). */
  fields: z.array(FieldChangeSchema),
  /** What it depends on in the desired document (create/update/replace). */
  dependencies: z.array(z.string()),
  /** What it depended on in state (delete/replace). */
  priorDependencies: z.array(z.string()),
});
export type PlanChange = z.infer<typeof PlanChangeSchema>;

export const PlanSummarySchema = z.strictObject({ add: z.number(), change: z.number(), destroy: z.number(), noop: z.number() });
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

/** How the plan was asked for (`plan`, `plan --destroy`, `plan --refresh-only`): for views; apply reads what the plan holds. */
export const PlanModeSchema = z.enum(["normal", "destroy", "refresh-only"]);
export type PlanMode = z.infer<typeof PlanModeSchema>;

export const PlanSchema = z.strictObject({
  mode: PlanModeSchema,
  /** Every change except no-ops, in dependency-friendly address order (instances first). */
  changes: z.array(PlanChangeSchema),
  /** What `read` hooks found (shown; in a normal plan it already shaped the changes). */
  drift: z.array(DriftSchema),
  /**
   * Drift that applying this plan records in state as found, running no hook: a refresh-only
   * plan's drift. Absent or empty: none.
   */
  recordDrift: z.array(DriftSchema).optional(),
  /** Lineage and serial of the state planned against; null lineage when there was no state. */
  lineage: z.string().nullable(),
  serial: z.number().int().nonnegative(),
  summary: PlanSummarySchema,
});
export type Plan = z.infer<typeof PlanSchema>;

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
  return plan.changes.length > 0 || (plan.recordDrift?.length ?? 0) > 0;
}
