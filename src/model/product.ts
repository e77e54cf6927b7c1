import { z } from "zod";
import { NAME_PATTERN } from "./names.js";
import { type Capability, type Role, ROLES, ROLE_KEYS, ModeSchema, RoleSchema } from "./capability.js";
import { RawSettingSchema, type SettingDef, normalizeSetting } from "./settings.js";

const Name = z.string().regex(NAME_PATTERN, "must match ^[A-Za-z0-9][A-Za-z0-9_.]*$").refine((s) => !s.includes(".."), "must not contain ..");

/** One entry under `produces.<topic>` etc. `{}` means push mode, any format. */
export const CapabilitySpecSchema = z
  .object({ mode: ModeSchema.optional(), format: Name.optional() })
  .passthrough();

const RoleMap = z.record(Name, z.array(CapabilitySpecSchema).nullable()).nullable().optional();

/** A command hook declared in YAML (30-hooks.md, "Hooks in any language"). */
export const CommandHookSchema = z
  .object({
    kind: z.enum([
      "setup", "teardown", "read", "update", "setupInstance", "teardownInstance", "readInstance",
      "produce", "trigger", "execute", "pull", "publish",
    ]),
    role: RoleSchema.optional(),
    topic: Name.optional(),
    target: Name.optional(),
    mode: ModeSchema.optional(),
    format: Name.optional(),
    run: z.array(z.string().min(1)).min(1),
    order: z.union([z.literal("first"), z.literal("last"), z.number().int()]).optional(),
    ownsBoth: z.boolean().optional(),
    keepWhenOverloaded: z.boolean().optional(),
    title: z.string().optional(),
    timeout: z.number().positive().optional(),
    secrets: z.array(z.string()).optional(),
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

/** A loaded product: the folder name is its name. */
export interface Product {
  name: string;
  description: string;
  vendor?: string;
  tags: string[];
  settings: SettingDef[];
  /** Capabilities declared in definition.yaml, in file order. */
  capabilities: Capability[];
  commandHooks: CommandHookDecl[];
  /** Absolute directory of the product. */
  dir: string;
}

export function normalizeProduct(name: string, dir: string, raw: ProductDefinitionRaw): Product {
  const capabilities: Capability[] = [];
  for (const role of ROLES) {
    const map = raw[ROLE_KEYS[role]];
    for (const [topic, specs] of Object.entries(map ?? {})) {
      for (const spec of specs ?? [{}]) capabilities.push(makeCapability(name, role, topic, spec));
    }
  }
  const p: Product = {
    name,
    description: raw.description ?? "",
    tags: raw.tags ?? [],
    settings: (raw.settings ?? []).map(normalizeSetting),
    capabilities,
    commandHooks: raw.hooks ?? [],
    dir,
  };
  if (raw.vendor !== undefined) p.vendor = raw.vendor;
  return p;
}

function makeCapability(product: string, role: Role, topic: string, spec: { mode?: "push" | "pull"; format?: string }): Capability {
  const c: Capability = { product, role, topic, mode: spec.mode ?? "push" };
  if (spec.format !== undefined) c.format = spec.format;
  return c;
}
