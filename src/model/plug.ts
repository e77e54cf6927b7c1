import { z } from "zod";
import { type Mode, type Role, ModeSchema, RoleSchema } from "./capability.js";
import { isValidName } from "./names.js";

/** Which integration serves one side of a plug. */
export const IntegrationRefSchema = z
  .object({
    product: z.string(),
    target: z.string(),
    topic: z.string(),
    role: RoleSchema,
    mode: ModeSchema,
    format: z.string().optional(),
    explicit: z.boolean(),
  })
  .strict();
export type IntegrationRef = z.infer<typeof IntegrationRefSchema>;

/** instances/<p>/<src>/plugs/<dst>/<topic>[_pull].yaml */
export const PlugFileSchema = z
  .object({
    topic: z.string().optional(),
    mode: ModeSchema.optional(),
    format: z.string().nullable().optional(),
    kind: z.enum(["data", "action"]),
    /** Who sets the edge up: "both" when each side owns its end, else the instance that owns both. */
    owner: z.string(),
    src_integration: IntegrationRefSchema.nullable().optional(),
    dst_integration: IntegrationRefSchema.nullable().optional(),
    settings: z
      .object({
        src: z.record(z.string(), z.unknown()).nullable().optional(),
        dst: z.record(z.string(), z.unknown()).nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PlugFileRaw = z.infer<typeof PlugFileSchema>;

export type PlugKind = "data" | "action";

/** What a plug is, as resolved by `meshroom plug`: the edge, who sets it up, and through which integrations. */
export interface PlugSpec {
  src: string;
  dst: string;
  topic: string;
  mode: Mode;
  format?: string;
  kind: PlugKind;
  /** "both" or the name of the instance whose integration owns both sides. */
  owner: string;
  srcIntegration?: IntegrationRef;
  dstIntegration?: IntegrationRef;
}

export interface PlugSettings {
  src: Record<string, unknown>;
  dst: Record<string, unknown>;
}

/** A plug as loaded from its file. */
export interface Plug extends PlugSpec {
  settings: PlugSettings;
  file: string;
}

export function plugFileStem(topic: string, mode: Mode): string {
  return mode === "pull" ? `${topic}_pull` : topic;
}

/** `events_pull.yaml` → {events, pull}; `events.yaml` → {events, push}. */
export function parsePlugFileName(fileName: string): { topic: string; mode: Mode } | undefined {
  const m = /^(.+?)(_pull)?\.ya?ml$/.exec(fileName);
  if (!m || !m[1] || !isValidName(m[1])) return undefined;
  return { topic: m[1], mode: m[2] ? "pull" : "push" };
}

export type { Role };
