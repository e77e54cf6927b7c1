import type { Product, SettingDef } from "../model/index.js";

/** The slice of `terraform providers schema -json` that @cdktf/provider-generator reads. */
export type TerraformAttributeType = string | [string, TerraformAttributeType] | ["object", Record<string, TerraformAttributeType>];

export interface TerraformAttribute {
  type: TerraformAttributeType;
  description?: string;
  required?: boolean;
  optional?: boolean;
  sensitive?: boolean;
}

export interface ProviderSchemaDocument {
  format_version: "1.0";
  provider_schemas: Record<string, {
    provider: { version: number; block: { attributes?: Record<string, TerraformAttribute> } };
    resource_schemas: Record<string, { version: number; block: { attributes: Record<string, TerraformAttribute>; description?: string } }>;
    data_source_schemas: Record<string, never>;
  }>;
}

/** Where the bindings' provider lives in the schema (the generator writes `.gen/providers/meshroom/`). */
export const MESHROOM_PROVIDER_FQN = "registry.terraform.io/meshroom/meshroom";

/** `meshroom_<product>_instance` (`.` written `_`), the type `constructs/` maps back to the product. */
export function bindingResourceType(product: string): string {
  return `meshroom_${product.replace(/\./g, "_")}_instance`;
}

/**
 * A provider schema with one resource type per product (pure): its attributes are the
 * product's settings, types mapped, required when required without a default, secrets
 * sensitive (a code mesh fills them with `Secret.fromStore(...)`). Products whose types
 * would clash (`a.b` and `a_b`) are left out and named in `skipped`.
 */
export function providerSchemaOf(products: Iterable<Product>): { schema: ProviderSchemaDocument; skipped: string[] } {
  const byType = new Map<string, Product[]>();
  for (const p of products) {
    const t = bindingResourceType(p.name);
    byType.set(t, [...(byType.get(t) ?? []), p]);
  }
  const resources: ProviderSchemaDocument["provider_schemas"][string]["resource_schemas"] = {};
  const skipped: string[] = [];
  for (const t of [...byType.keys()].sort()) {
    const list = byType.get(t)!;
    if (list.length > 1) {
      skipped.push(...list.map((p) => p.name));
      continue;
    }
    const p = list[0]!;
    const attributes: Record<string, TerraformAttribute> = {};
    for (const s of p.settings) attributes[s.name] = attribute(s);
    resources[t] = { version: 0, block: { attributes, ...(p.description ? { description: p.description } : {}) } };
  }
  return {
    schema: {
      format_version: "1.0",
      provider_schemas: { [MESHROOM_PROVIDER_FQN]: { provider: { version: 0, block: {} }, resource_schemas: resources, data_source_schemas: {} } },
    },
    skipped,
  };
}

function attribute(s: SettingDef): TerraformAttribute {
  const required = s.required && s.default === undefined;
  const a: TerraformAttribute = { type: attributeType(s), ...(required ? { required: true } : { optional: true }) };
  if (s.secret) a.sensitive = true;
  if (s.description) a.description = s.description;
  return a;
}

function attributeType(s: SettingDef): TerraformAttributeType {
  switch (s.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "bool";
    case "array":
      return ["list", s.items ? attributeType(s.items) : "dynamic"];
    case "object": {
      if (!s.properties?.length) return "dynamic";
      const fields: Record<string, TerraformAttributeType> = {};
      for (const p of s.properties) fields[p.name] = attributeType(p);
      return ["object", fields];
    }
  }
}
