import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import type { InstanceInputs, PlugInputs } from "../model/index.js";
import { IntegrationRefSchema, ModeSchema } from "../model/schemas.js";

/**
 * The desired document: what `cdktf synth` writes as `cdk.tf.json` for a mesh, and the only
 * input the engine plans from. Two resource types, keyed by escaped ids (ids.ts). No secret
 * value ever appears here: secrets are listed by name (`secret_refs`).
 */
type JsonValue = z.infer<ReturnType<typeof z.json>>;

/** Plain JSON check, hand-written: `z.json()` costs too much on 10,000-resource documents. */
function isJson(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (depth > 64 || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
  for (const k in v) if (!isJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}
const JsonRecord = z.custom<Record<string, JsonValue>>(
  (v) => typeof v === "object" && v !== null && !Array.isArray(v) && isJson(v),
  "must be an object of JSON values",
);

export const DesiredInstanceSchema = z.object({
  name: z.string().min(1),
  product: z.string().min(1),
  settings: JsonRecord,
  secret_refs: z.array(z.string()),
  depends_on: z.array(z.string()).optional(),
});
export type DesiredInstance = z.infer<typeof DesiredInstanceSchema>;

export const DesiredPlugSchema = z.object({
  src: z.string().min(1),
  dst: z.string().min(1),
  topic: z.string().min(1),
  mode: ModeSchema,
  format: z.string().nullable(),
  kind: z.enum(["data", "action"]),
  owner: z.string().min(1),
  src_integration: IntegrationRefSchema.nullable(),
  dst_integration: IntegrationRefSchema.nullable(),
  settings: z.object({ src: JsonRecord, dst: JsonRecord }),
  secret_refs: z.array(z.string()).optional(),
  depends_on: z.array(z.string()),
});
export type DesiredPlug = z.infer<typeof DesiredPlugSchema>;

/** A resource's `inputs` (what state records and the plan compares): the document's record without its references. */
export const InstanceInputsSchema = DesiredInstanceSchema.pick({ name: true, product: true, settings: true });
export const PlugInputsSchema = DesiredPlugSchema.omit({ secret_refs: true, depends_on: true });

// The model's record types (model/resource-inputs.ts) are exactly what these schemas give.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameInstance: Same<z.infer<typeof InstanceInputsSchema>, InstanceInputs> = true;
const _samePlug: Same<z.infer<typeof PlugInputsSchema>, PlugInputs> = true;
void _sameInstance;
void _samePlug;

export const DesiredDocumentSchema = z.object({
  "//": z
    .object({
      metadata: z.object({ backend: z.literal("meshroom"), version: z.string() }).loose(),
    })
    .loose(),
  resource: z
    .object({
      meshroom_instance: z.record(z.string(), DesiredInstanceSchema).optional(),
      meshroom_plug: z.record(z.string(), DesiredPlugSchema).optional(),
    })
    .loose()
    .optional(),
}).loose();
export type DesiredDocument = z.infer<typeof DesiredDocumentSchema>;

/** Parses a desired document (text or a value) once, at the edge; E_BAD_MANIFEST naming `source` on any problem. */
export function parseDesiredDocument(input: string | unknown, source = "desired document"): DesiredDocument {
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new MeshroomError("E_BAD_MANIFEST", `${source} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const r = DesiredDocumentSchema.safeParse(raw);
  if (!r.success) {
    throw new MeshroomError("E_BAD_MANIFEST", `${source} is not a meshroom desired document`, {
      diagnostics: r.error.issues.slice(0, 10).map((i) => ({ summary: `${i.path.join(".") || "(root)"}: ${i.message}` })),
    });
  }
  return r.data;
}
