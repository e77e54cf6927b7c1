import { nonEmptyString, plainWithKeys } from "../util/plain-object.js";
import { PendingActionSchema, ResourceStatusSchema, ResourceTypeSchema } from "./resource-enums.js";

/**
 * A hand-written check of the state schema's resource shape, for speed: validating 20,000
 * resources through zod costs more than parsing their JSON. It is at least as strict as
 * `StateResourceSchema` (plain objects only, no unknown or undefined-valued keys), so when it
 * says yes zod would too and the values can be used as they are; when it says no, the caller
 * runs zod, which produces the error message.
 */
export function looksLikeResources(value: unknown): boolean {
  return everyItem(value, isResource);
}

/** An array whose every slot (holes included, unlike `Array.prototype.every`) passes `test`. */
function everyItem(v: unknown, test: (item: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!test(v[i])) return false;
  return true;
}

// Keys are listed here on purpose: a field added to the schema makes this check refuse (zod then
// runs and checks the new field) instead of letting it through unchecked.
const RESOURCE_KEYS = new Set(["address", "type", "status", "inputs", "outputs", "secret_hmacs", "steps_done", "pending_step", "dependencies"]);
const STEP_KEYS = new Set(["id", "title", "side", "outputs"]);
const PENDING_KEYS = new Set(["id", "title", "side", "action", "started"]);

/** Enum values come from the zod enums the schema uses (resource-enums.ts), made into sets on first use. */
let enums: { types: Set<string>; statuses: Set<string>; actions: Set<string> } | undefined;

function schemaEnums(): NonNullable<typeof enums> {
  return (enums ??= {
    types: new Set<string>(ResourceTypeSchema.options),
    statuses: new Set<string>(ResourceStatusSchema.options),
    actions: new Set<string>(PendingActionSchema.options),
  });
}

function isResource(v: unknown): boolean {
  const { types: TYPES, statuses: STATUSES } = schemaEnums();
  if (!plainWithKeys(v, RESOURCE_KEYS)) return false;
  const r = v as Record<string, unknown>;
  return (
    nonEmptyString(r.address) &&
    typeof r.type === "string" && TYPES.has(r.type) &&
    typeof r.status === "string" && STATUSES.has(r.status) &&
    isObject(r.inputs) &&
    isObject(r.outputs) &&
    isStringRecord(r.secret_hmacs) &&
    everyItem(r.steps_done, isStep) &&
    (!("pending_step" in r) || isPending(r.pending_step)) &&
    everyItem(r.dependencies, (d) => typeof d === "string")
  );
}

function isStep(v: unknown): boolean {
  if (!plainWithKeys(v, STEP_KEYS)) return false;
  const s = v as Record<string, unknown>;
  return nonEmptyString(s.id) && typeof s.title === "string" && (!("side" in s) || typeof s.side === "string") && isObject(s.outputs);
}

function isPending(v: unknown): boolean {
  if (!plainWithKeys(v, PENDING_KEYS)) return false;
  const p = v as Record<string, unknown>;
  return (
    nonEmptyString(p.id) && typeof p.title === "string" && (!("side" in p) || typeof p.side === "string") &&
    typeof p.action === "string" && schemaEnums().actions.has(p.action) && typeof p.started === "string"
  );
}

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringRecord(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (typeof (v as Record<string, unknown>)[k] !== "string") return false;
  return true;
}

