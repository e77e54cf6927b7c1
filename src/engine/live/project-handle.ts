import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { stringify } from "yaml";
import { MeshroomError } from "../../errors/index.js";
import type { ProjectHandle } from "../../hooks/index.js";
import { assertName, isIntegrationFile, parseIntegrationFileName } from "../../model/index.js";
import { IntegrationFileSchema, ProductDefinitionSchema } from "../../model/schemas.js";
import { assertInProject, prepareProjectWrite } from "../../util/confined-path.js";
import { paths } from "../../project/paths.js";
import { parseYamlText, readYamlFile } from "../../project/yaml-file.js";
import { writeFileAtomicSync as writeFileAtomic } from "../../util/atomic-write.js";

/** What a `pull` hook may do to the project: read and write products and integrations, nothing else. */
export function createProjectHandle(root: string, changes: string[] = []): ProjectHandle {
  const write = (file: string, text: string) => {
    const rel = relative(root, file);
    const before = existsSync(file);
    writeFileAtomic(prepareProjectWrite(root, file), text);
    changes.push(`${before ? "updated" : "created"} ${rel}`);
  };
  /** Idempotent pulls: a file whose content would not change is not rewritten nor reported. */
  const writeIfChanged = (file: string, text: string) => {
    if (existsSync(file) && readFileSync(assertInProject(root, file, "read"), "utf8") === text) return;
    write(file, text);
  };
  return {
    root,
    async listProducts() {
      const dir = paths.productsDir(root);
      return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(paths.definition(root, d.name))).map((d) => d.name).sort() : [];
    },
    async readProduct(name) {
      assertName("product", name);
      const file = paths.definition(root, name);
      if (!existsSync(file)) return undefined;
      const r = readYamlFile(file, ProductDefinitionSchema, root);
      if (!r.value) throw new MeshroomError("E_BAD_MANIFEST", `${relative(root, file)} is invalid`, { diagnostics: r.diagnostics });
      return r.value as Record<string, unknown>;
    },
    async listIntegrations(product, target) {
      assertName("product", product);
      const base = paths.integrationsDir(root, product);
      if (!existsSync(base)) return [];
      const out: Array<{ target: string; stem: string }> = [];
      for (const t of readdirSync(base).sort()) {
        if (target !== undefined && t !== target) continue;
        const dir = join(base, t);
        for (const f of readdirSync(dir).filter(isIntegrationFile).sort()) out.push({ target: t, stem: f.replace(/\.ya?ml$/, "") });
      }
      return out;
    },
    async writeProduct(name, definition) {
      assertName("product", name);
      const parsed = ProductDefinitionSchema.safeParse(definition);
      if (!parsed.success) throw new MeshroomError("E_BAD_MANIFEST", `product ${name}: invalid definition (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
      const file = paths.definition(root, name);
      const text = stringify({ ...definition, name });
      writeIfChanged(file, text);
    },
    async writeIntegration(product, target, stem, content) {
      assertName("product", product);
      assertName("product", target);
      if (!parseIntegrationFileName(stem)) throw new MeshroomError("E_BAD_NAME", `integration name ${JSON.stringify(stem)} must be <topic>_<role>[_<format>][_pull]`);
      writeIfChanged(join(paths.integrationDir(root, product, target), `${stem}.yaml`), stringify(content));
    },
    async writeProductFile(product, relPath, content) {
      assertName("product", product);
      const dir = paths.productDir(root, product);
      const file = resolve(dir, relPath);
      if (!file.startsWith(dir + sep)) throw new MeshroomError("E_BAD_NAME", `path ${JSON.stringify(relPath)} leaves products/${product}/`);
      checkManifest(relative(root, file), relative(dir, file), content);
      writeIfChanged(file, content);
    },
  };
}

/**
 * Raw manifests written with `writeProductFile` (a pull copying a catalog's files verbatim, comments
 * kept) are checked like the loader would: definition.yaml against the product schema,
 * integrations/<t>/<stem>.yaml against the integration schema and file-name rules.
 */
function checkManifest(shown: string, rel: string, content: string): void {
  const parts = rel.split(sep);
  let diagnostics;
  if (rel === "definition.yaml") {
    diagnostics = parseYamlText(content, ProductDefinitionSchema, shown).diagnostics;
  } else if (parts[0] === "integrations" && parts.length === 3 && isIntegrationFile(parts[2]!)) {
    assertName("product", parts[1]!);
    if (!parseIntegrationFileName(parts[2]!)) throw new MeshroomError("E_BAD_NAME", `${shown}: integration file names are <topic>_<role>[_<format>][_pull].yaml`);
    diagnostics = parseYamlText(content, IntegrationFileSchema, shown).diagnostics;
  } else {
    return;
  }
  if (diagnostics.length > 0) throw new MeshroomError("E_BAD_MANIFEST", `${shown} is invalid; nothing was written to it`, { diagnostics });
}
