import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { loadProject } from "../../project/load.js";
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

/**
 * `meshroom get`: typed classes for the project's products, written into `.gen/` by
 * @cdktf/provider-generator from a provider schema built from the product definitions (no
 * terraform binary involved). `.gen/providers/meshroom/<product>-instance` then exports e.g.
 * `SiemLocalInstance`, whose config is the product's settings.
 */
export async function generateBindings(root: string, opts: { outdir?: string } = {}): Promise<GetResult> {
  const abs = resolve(root);
  const project = await loadProject(abs);
  const { schema, skipped } = providerSchemaOf(project.products.values());
  const outdir = resolve(abs, opts.outdir ?? ".gen");
  const target = join(outdir, "providers", "meshroom");
  if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // products removed since last time
  mkdirSync(outdir, { recursive: true });
  const { generator, codemaker } = loadGenerator();
  const code = new codemaker.CodeMaker();
  new generator.TerraformProviderGenerator(code, schema).generateAll();
  await code.save(outdir);
  const resourceTypes = Object.keys(Object.values(schema.provider_schemas)[0]?.resource_schemas ?? {});
  return { outdir, resourceTypes, skipped };
}

/**
 * Loads the generator's own module, not the package index: the index also loads the jsii
 * language tooling (not installed; only other languages need it). @cdktf/commons runs
 * `terraform version` and a HashiCorp checkpoint call when loaded; neither is wanted here.
 */
function loadGenerator(): { generator: GeneratorModule; codemaker: { CodeMaker: new () => CodeMakerLike } } {
  process.env.CHECKPOINT_DISABLE ??= "1";
  process.env.TERRAFORM_BINARY_NAME ??= "meshroom-no-terraform-needed";
  const require = createRequire(import.meta.url);
  const generatorPath = require.resolve("@cdktf/provider-generator/lib/get/generator/provider-generator.js");
  const codemakerPath = createRequire(generatorPath).resolve("codemaker");
  return { generator: require(generatorPath) as GeneratorModule, codemaker: require(codemakerPath) as { CodeMaker: new () => CodeMakerLike } };
}
