import type { Product, SettingDef } from "../model/index.js";
import { type BindingAttribute, bindingAttributes } from "./binding-names.js";

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
 * product's settings under safe names (binding-names.ts), types mapped, required when required
 * without a default, secrets sensitive (a code mesh fills them with `Secret.fromStore(...)`).
 * Products whose types would clash (`a.b` and `a_b`) are left out and named in `skipped`.
 * `attributes` says, per resource type, which property of the generated class is which setting.
 */
export function providerSchemaOf(
  products: Iterable<Product>, propertyOf: (terraform: string) => string,
): { schema: ProviderSchemaDocument; skipped: string[]; attributes: Map<string, { product: string; attributes: BindingAttribute[] }> } {
  const bindings = new Map<string, { product: string; attributes: BindingAttribute[] }>();
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
    const names = bindingAttributes(p.settings, propertyOf);
    for (const a of names) attributes[a.terraform] = attribute(a.setting);
    bindings.set(t, { product: p.name, attributes: names });
    resources[t] = { version: 0, block: { attributes, ...(p.description ? { description: p.description } : {}) } };
  }
  return {
    schema: {
      format_version: "1.0",
      provider_schemas: { [MESHROOM_PROVIDER_FQN]: { provider: { version: 0, block: {} }, resource_schemas: resources, data_source_schemas: {} } },
    },
    skipped,
    attributes: bindings,
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
    case "object":
      // an object is passed as is, its keys the property names of definition.yaml (which any
      // text may be): a generated struct would rename them; the mesh checks them at synth
      return "dynamic";
  }
}
