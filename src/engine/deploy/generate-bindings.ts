import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { loadProject } from "../../project/load.js";
import { MeshroomError } from "../../errors/index.js";
import type { BindingAttribute } from "../../synth/binding-names.js";
import { BINDING_MARK } from "../../synth/binding-mark.js";
import { providerSchemaOf, type ProviderSchemaDocument } from "../../synth/provider-schema.js";

export interface GetResult {
  /** Where the bindings were written (`<root>/.gen`). */
  outdir: string;
  /** Generated resource types (one per product). */
  resourceTypes: string[];
  /** Products left out because their type names would clash. */
  skipped: string[];
}

interface CodeMakerLike {
  save(dir: string): Promise<void>;
}
interface GeneratorModule {
  TerraformProviderGenerator: new (code: CodeMakerLike, schema: ProviderSchemaDocument) => { generateAll(): void };
}
interface Generator {
  generator: GeneratorModule;
  codemaker: { CodeMaker: new () => CodeMakerLike; toCamelCase(s: string): string };
  escapeAttributeName(s: string): string;
}

/**
 * `meshroom get`: typed classes for the project's products, written into `.gen/` by
 * @cdktf/provider-generator from a provider schema built from the product definitions (no
 * terraform binary involved). `.gen/providers/meshroom/<product>-instance` then exports e.g.
 * `SiemLocalInstance`, whose config is the product's settings.
 */
export async function generateBindings(root: string, opts: { outdir?: string } = {}): Promise<GetResult> {
  const abs = resolve(root);
  const project = await loadProject(abs);
  const { generator, codemaker, escapeAttributeName } = loadGenerator();
  const { schema, skipped, attributes } = providerSchemaOf(project.products.values(), (tf) => escapeAttributeName(codemaker.toCamelCase(tf)));
  const outdir = resolve(abs, opts.outdir ?? ".gen");
  const target = join(outdir, "providers", "meshroom");
  if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // products removed since last time
  mkdirSync(outdir, { recursive: true });
  const code = new codemaker.CodeMaker();
  new generator.TerraformProviderGenerator(code, schema).generateAll();
  await code.save(outdir);
  markBindings(target, attributes);
  const resourceTypes = Object.keys(Object.values(schema.provider_schemas)[0]?.resource_schemas ?? {});
  return { outdir, resourceTypes, skipped };
}

/**
 * Makes each generated class keep its config and say which property is which setting (one
 * line after its `super(...)` call): the mesh then checks what the program really passed,
 * a misspelled property included, with the YAML loader's rules, and reads settings back by
 * their own names. The mark is a registered symbol, never rendered by cdktf.
 */
function markBindings(dir: string, bindings: Map<string, { product: string; attributes: BindingAttribute[] }>): void {
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const file = join(dir, sub.name, "index.ts");
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const type = /public static readonly tfResourceType = "([^"]+)";/.exec(text)?.[1];
    const binding = type !== undefined ? bindings.get(type) : undefined;
    if (!binding) continue;
    const settings = Object.fromEntries(binding.attributes.map((a) => [a.property, a.setting.name]));
    const anchor = /(public constructor\(scope: Construct, id: string, config: \w+(?: = \{\})?\) \{\n {4}super\(scope, id, \{[\s\S]*?\n {4}\}\);\n)/;
    if (!anchor.test(text)) {
      throw new MeshroomError("E_INTERNAL", `${file}: the generated class has no constructor meshroom recognises`, {
        detail: "the installed @cdktf/provider-generator writes code this meshroom does not know; reinstall meshroom's dependencies (npm ci)",
      });
    }
    const mark = `    Object.defineProperty(this, Symbol.for(${JSON.stringify(BINDING_MARK)}), { value: { product: ${JSON.stringify(binding.product)}, settings: ${JSON.stringify(settings)}, config } });\n`;
    writeFileSync(file, text.replace(anchor, (m) => m + mark));
  }
}

/**
 * Loads the generator's own module, not the package index: the index also loads the jsii
 * language tooling (not installed; only other languages need it). @cdktf/commons runs
 * `terraform version` and a HashiCorp checkpoint call when loaded; neither is wanted here.
 */
function loadGenerator(): Generator {
  process.env.CHECKPOINT_DISABLE ??= "1";
  process.env.TERRAFORM_BINARY_NAME ??= "meshroom-no-terraform-needed";
  const require = createRequire(import.meta.url);
  const generatorPath = require.resolve("@cdktf/provider-generator/lib/get/generator/provider-generator.js");
  const codemakerPath = createRequire(generatorPath).resolve("codemaker");
  const attributeModel = require(require.resolve("@cdktf/provider-generator/lib/get/generator/models/attribute-model.js")) as { escapeAttributeName(s: string): string };
  return {
    generator: require(generatorPath) as GeneratorModule,
    codemaker: require(codemakerPath) as Generator["codemaker"],
    escapeAttributeName: attributeModel.escapeAttributeName,
  };
}
