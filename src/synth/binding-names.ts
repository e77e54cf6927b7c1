import type { SettingDef } from "../model/index.js";

/**
 * Setting names are any text (`max-body`, `1st`, `a.b`, `count`), but a typed binding's
 * attribute becomes a Terraform attribute name and a TypeScript property of a cdktf resource
 * class. `meshroom get` gives each setting a safe attribute name, the way cdktf's provider
 * generator escapes a provider's names (`node` → `nodeAttribute`): characters other than
 * letters, digits and `_` become `_`, a leading digit gets `setting_` before it, a name that
 * would shadow a member of the resource class (Terraform's meta-arguments `count`, `provider`,
 * `depends_on`, `for_each`, `lifecycle`, …, or cdktf's own members) gets `_attribute` after it,
 * and names that would still meet get `_2`, `_3`, … in definition order. The generated class
 * records which property is which setting (see generate-bindings.ts), so the mesh reads
 * the settings back by their own names.
 */
export interface BindingAttribute {
  setting: SettingDef;
  /** The attribute name in the provider schema (and in the generated class's Terraform JSON). */
  terraform: string;
  /** The property of the generated config and class. */
  property: string;
}

/**
 * Members of cdktf's TerraformResource (and its bases), the generated class's statics, and the
 * config's meta-arguments: a property (or its `_x` store, `xInput` getter, `resetX` method) of
 * that name would shadow or break them. test/constructs/binding-names.test.ts checks this list
 * against the cdktf that is installed.
 */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([
  "constructor", "node", "toString", "with", "fqn", "friendlyUniqueId", "cdktfStack", "rawOverrides",
  "terraformResourceType", "terraformGeneratorMetadata", "terraformMetaArguments", "tfResourceType",
  "generateConfigForImport", "constructNodeMetadata", "toTerraform", "toHclTerraform", "toMetadata",
  "addOverride", "overrideLogicalId", "resetOverrideLogicalId", "interpolationForAttribute",
  "synthesizeAttributes", "synthesizeHclAttributes", "importFrom", "moveTo", "moveToId", "moveFromId",
  "hasResourceMove", "addMoveTarget", "getStringAttribute", "getNumberAttribute", "getBooleanAttribute",
  "getListAttribute", "getNumberListAttribute", "getStringMapAttribute", "getNumberMapAttribute",
  "getBooleanMapAttribute", "getAnyMapAttribute", "count", "provider", "dependsOn", "forEach", "lifecycle",
  "provisioners", "connection", "_elementType", "_addResourceTarget", "_buildMovedBlock",
  "_buildMovedBlockByTarget", "_getResourceTarget", "_hasMoved",
]);

/** What a property brings into the class besides itself (the generator's getter, store and reset). */
function memberNames(property: string): string[] {
  return [property, `${property}Input`, `_${property}`, `reset${property.charAt(0).toUpperCase()}${property.slice(1)}`];
}

/**
 * The attribute of each setting, in definition order (pure). `propertyOf` is the generator's
 * own mapping of a Terraform attribute name to a property (camelCase, then its escapes).
 */
export function bindingAttributes(settings: readonly SettingDef[], propertyOf: (terraform: string) => string): BindingAttribute[] {
  const taken = new Set<string>(RESERVED_MEMBERS);
  const usedTf = new Set<string>();
  const out: BindingAttribute[] = [];
  const fits = (tf: string): boolean => {
    if (usedTf.has(tf)) return false;
    const property = propertyOf(tf);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(property)) return false;
    return memberNames(property).every((m) => !taken.has(m));
  };
  for (const setting of settings) {
    let base = setting.name.replace(/[^A-Za-z0-9_]+/g, "_");
    if (!/[A-Za-z0-9]/.test(base)) base = "setting";
    if (/^[0-9_]/.test(base)) base = `setting_${base.replace(/^_+/, "")}`;
    let tf = base;
    if (!fits(tf)) tf = `${base}_attribute`;
    for (let n = 2; !fits(tf); n++) tf = `${base}_attribute_${n}`;
    const property = propertyOf(tf);
    for (const m of memberNames(property)) taken.add(m);
    usedTf.add(tf);
    out.push({ setting, terraform: tf, property });
  }
  return out;
}
