import { type Capability, type Role, ROLES, ROLE_KEYS } from "./capability.js";
import { type SettingDef, normalizeSetting } from "./settings.js";
import type { CommandHookDecl, ProductDefinitionRaw } from "./schemas.js";

export type { CommandHookDecl, ProductDefinitionRaw };

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
