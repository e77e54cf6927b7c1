import { z } from "zod";
import { MODES, ROLES } from "./capability.js";
import { COMMAND_HOOK_KINDS, type CommandHookKind } from "./hook-kinds.js";
import { MAX_NAME_BYTES, NAME_PATTERN } from "./names.js";
import { SETTING_TYPES } from "./setting-types.js";
import { hookEnvNameProblem } from "../util/env-names.js";

/**
 * The zod schemas of a project's manifests. They live apart from the model's types and pure
 * functions so that a command whose manifests all come from the manifest cache never loads zod
 * (a tenth of a second of a cold start): import this module only where a manifest is parsed.
 */

export const RoleSchema = z.enum(ROLES);
export const ModeSchema = z.enum(MODES);

const Name = z
  .string()
  .max(MAX_NAME_BYTES, `must be at most ${MAX_NAME_BYTES} characters`)
  .regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9_.]*$")
  .refine((s) => !s.includes(".."), "must not contain ..");

const RawSettingBase = z.object({
  name: z.string().min(1),
  type: z.enum(SETTING_TYPES).optional(),
  description: z.string().optional(),
  default: z.unknown().optional(),
  required: z.boolean().optional(),
  secret: z.boolean().optional(),
});
export type RawSetting = z.infer<typeof RawSettingBase> & { properties?: RawSetting[]; items?: RawSetting };
export const RawSettingSchema: z.ZodType<RawSetting> = RawSettingBase.extend({
  properties: z.lazy(() => z.array(RawSettingSchema)).optional(),
  items: z.lazy(() => RawSettingSchema).optional(),
}).strict();

/** One entry under `produces.<topic>` etc. `{}` means push mode, any format. */
export const CapabilitySpecSchema = z
  .object({ mode: ModeSchema.optional(), format: Name.optional() })
  .passthrough();

const RoleMap = z.record(Name, z.array(CapabilitySpecSchema).nullable()).nullable().optional();

/** A command hook declared in YAML (30-hooks.md, "Hooks in any language"). */
export const CommandHookSchema = z
  .object({
    kind: z.enum(COMMAND_HOOK_KINDS as [CommandHookKind, ...CommandHookKind[]]),
    role: RoleSchema.optional(),
    topic: Name.optional(),
    target: Name.optional(),
    mode: ModeSchema.optional(),
    format: Name.optional(),
    run: z.array(z.string().min(1)).min(1),
    order: z.union([z.literal("first"), z.literal("last"), z.number().int()]).optional(),
    ownsBoth: z.boolean().optional(),
    keepWhenOverloaded: z.boolean().optional(),
    title: z.string().min(1).optional(),
    timeout: z.number().positive().optional(),
    secrets: z.array(z.string()).optional(),
    /** Environment variables the command inherits beyond PATH, HOME, the locale, TZ and TMPDIR. */
    env: z.array(z.string().superRefine((n, c) => {
      const problem = hookEnvNameProblem(n);
      if (problem) c.addIssue({ code: "custom", message: problem });
    })).optional(),
  })
  .strict();
export type CommandHookDecl = z.infer<typeof CommandHookSchema>;

export const ProductDefinitionSchema = z
  .object({
    name: Name.optional(),
    description: z.string().optional(),
    vendor: z.string().optional(),
    tags: z.array(z.string()).nullable().optional(),
    settings: z.array(RawSettingSchema).nullable().optional(),
    produces: RoleMap,
    consumes: RoleMap,
    triggers: RoleMap,
    executes: RoleMap,
    hooks: z.array(CommandHookSchema).optional(),
  })
  .strict();
export type ProductDefinitionRaw = z.infer<typeof ProductDefinitionSchema>;

/** Contents of an explicit integration YAML file. Fields repeated from the name must agree with it. */
export const IntegrationFileSchema = z
  .object({
    topic: z.string().optional(),
    role: RoleSchema.optional(),
    mode: ModeSchema.optional(),
    format: z.string().nullable().optional(),
    description: z.string().optional(),
    /** Settings asked when a plug uses this integration (older spelling of a `settings:` list). */
    plug_settings: z.array(RawSettingSchema).optional(),
    /**
     * A list of setting definitions, as in a product's definition.yaml: this end's plug
     * settings, asked by `meshroom plug` (the seeds' form). A map: fixed values handed to hooks
     * as `integration.settings`.
     */
    settings: z.union([z.array(RawSettingSchema), z.record(z.string(), z.unknown())]).optional(),
    hooks: z.array(CommandHookSchema).optional(),
  })
  .catchall(z.unknown());
export type IntegrationFileRaw = z.infer<typeof IntegrationFileSchema>;

/** instances/<product>/<name>/config.yaml: non-secret settings of one tenant. */
export const InstanceConfigSchema = z
  .object({
    settings: z.record(z.string(), z.unknown()).nullable().optional(),
    description: z.string().optional(),
  })
  .strict();
export type InstanceConfigRaw = z.infer<typeof InstanceConfigSchema>;

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
