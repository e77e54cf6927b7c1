import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { looksLikeResources } from "./quick-check.js";
import { PendingActionSchema, ResourceStatusSchema, ResourceTypeSchema } from "./resource-enums.js";

/** The state file format version this meshroom reads and writes. */
export const STATE_FORMAT_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
// State is parsed from JSON text (or a JSON column), so every value is JSON by construction:
// checking it again recursively would triple the cost of reading a 10,000-resource state.
export type JsonObject = { [key: string]: JsonValue };
const JsonObject = z.custom<JsonObject>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "expected a JSON object",
});

/** One completed setup step of a resource (for plugs: one integration hook on one side). */
export const StepRecordSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string(),
  side: z.string().optional(),
  outputs: JsonObject,
});
export type StepRecord = z.infer<typeof StepRecordSchema>;

/**
 * The step that was running when state was last saved. Written before the step starts and
 * cleared when it ends, so after a `kill -9` the next plan knows what may be half-done.
 */
export const PendingStepSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string(),
  side: z.string().optional(),
  action: PendingActionSchema,
  started: z.string(),
});
export type PendingStep = z.infer<typeof PendingStepSchema>;

export { ResourceStatusSchema, ResourceTypeSchema };
export type ResourceStatus = z.infer<typeof ResourceStatusSchema>;

/** One resource as recorded in state. Secret values never appear: only keyed HMACs of them. */
export const StateResourceSchema = z.strictObject({
  address: z.string().min(1),
  type: ResourceTypeSchema,
  status: ResourceStatusSchema,
  inputs: JsonObject,
  outputs: JsonObject,
  secret_hmacs: z.record(z.string(), z.string()),
  steps_done: z.array(StepRecordSchema),
  pending_step: PendingStepSchema.optional(),
  dependencies: z.array(z.string()),
});
export type StateResource = z.infer<typeof StateResourceSchema>;

export const StateFileSchema = z.strictObject({
  version: z.literal(STATE_FORMAT_VERSION),
  meshroom_version: z.string(),
  lineage: z.uuid(),
  serial: z.number().int().nonnegative(),
  resources: z.array(StateResourceSchema),
});
/** The state as stored: the on-disk/on-wire document of every backend. */
export type StateFile = z.infer<typeof StateFileSchema>;

/**
 * Parses a state document (text) once, at the edge. Any problem — not JSON, a newer format,
 * a wrong field, duplicate addresses — is an E_STATE error naming `source` and the reason.
 */
export function parseStateText(text: string, source: string): StateFile {
  let raw: unknown;
  try {
    // a UTF-8 byte order mark some editors add is not part of the JSON (never written by meshroom)
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw badState(source, `not valid JSON (${(e as Error).message})`);
  }
  return parseStateValue(raw, source);
}

export function parseStateValue(raw: unknown, source: string): StateFile {
  if (typeof raw === "object" && raw !== null && "version" in raw) {
    const v = (raw as { version: unknown }).version;
    if (typeof v === "number" && v > STATE_FORMAT_VERSION) {
      throw badState(source, `it uses state format version ${v}, newer than this meshroom supports (${STATE_FORMAT_VERSION})`, "Upgrade meshroom to read it.");
    }
  }
  const data = quickParse(raw) ?? zodParse(raw, source);
  const seen = new Set<string>();
  for (const r of data.resources) {
    if (seen.has(r.address)) throw badState(source, `resource ${r.address} appears twice`);
    seen.add(r.address);
  }
  return data;
}

/** The document as is when its resources pass the quick check and the rest passes zod; else undefined. */
function quickParse(raw: unknown): StateFile | undefined {
  if (typeof raw !== "object" || raw === null || !("resources" in raw)) return undefined;
  const { resources, ...rest } = raw as Record<string, unknown>;
  if (!looksLikeResources(resources)) return undefined;
  const head = StateFileSchema.safeParse({ ...rest, resources: [] });
  return head.success ? { ...head.data, resources: resources as StateResource[] } : undefined; // the quick check vouched for them
}

function zodParse(raw: unknown, source: string): StateFile {
  const parsed = StateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw badState(source, issues.join("; "));
  }
  return parsed.data;
}

function badState(source: string, reason: string, next?: string): MeshroomError {
  return new MeshroomError("E_STATE", `Cannot read state from ${source}: ${reason}`, {
    detail:
      next ??
      (source.endsWith(".json")
        ? `Fix or restore the file (the previous copy is kept as ${source}.backup), then retry.`
        : "Fix or restore the stored state, then retry."),
  });
}
