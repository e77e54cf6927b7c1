// import-products: copy products (definition, hook files, integrations) from another meshroom
// project or a catalog repository (a folder with products/, or a git URL cloned to a temp dir).
// Planning reads both sides and decides; nothing is written while a conflict is unresolved.
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { MeshroomError, type Diagnostic } from "../../errors/index.js";
import { createGitHelper } from "../../hooks/index.js";
import { assertName, isIntegrationFile, parseIntegrationFileName } from "../../model/index.js";
import { IntegrationFileSchema, ProductDefinitionSchema } from "../../model/schemas.js";
import { isProjectDir } from "../../project/load.js";
import { assertInProject, prepareProjectWrite } from "../../util/confined-path.js";
import { paths } from "../../project/paths.js";
import { parseYamlText } from "../../project/yaml-file.js";
import { writeFileAtomicSync } from "../../util/atomic-write.js";
import { recordOrigin } from "../../mesh/trust.js";

export interface ImportProductsOptions {
  /** Only these products (default: every product of the source). */
  only?: readonly string[];
  /** Overwrite local files whose content differs from the source's. */
  force?: boolean;
  signal?: AbortSignal;
}

/** created: new product; updated: files added or (with --force) overwritten; unchanged: nothing to write. */
export type ImportStatus = "created" | "updated" | "unchanged";

export interface ImportedProduct {
  name: string;
  status: ImportStatus;
  /** Files written, relative to the project root. */
  written: string[];
  /** Of those, the local files that differed and were overwritten (only with force). */
  overwritten: string[];
  /** Targets whose integrations were left out: no such product in the project nor in this import. */
  skippedTargets: string[];
}

export interface ImportProductsReport {
  source: string;
  products: ImportedProduct[];
}

interface PlannedFile {
  rel: string;
  text: string;
  /** absent: new file; same: identical locally; differs: a conflict. */
  local: "absent" | "same" | "differs";
}

/** Copies products from SOURCE (a folder with products/, or a git URL) into the project at ROOT. */
export async function importProducts(root: string, source: string, opts: ImportProductsOptions = {}): Promise<ImportProductsReport> {
  if (!isProjectDir(root)) {
    throw new MeshroomError("E_NOT_PROJECT", `${root} is not a meshroom project`, { detail: "create one with `meshroom init <path>`, or point at one with `-p <dir>`" });
  }
  const local = resolve(source);
  if (existsSync(paths.productsDir(local))) return importFrom(root, local, source, opts);
  if (existsSync(local) && lstatSync(local).isDirectory() && !looksLikeGitRepo(local)) {
    throw new MeshroomError("E_NOT_FOUND", `${source} has no products/ folder`, { detail: "pass a meshroom project, a catalog repository folder, or a git URL" });
  }
  const tmp = mkdtempSync(join(tmpdir(), "meshroom-import-"));
  try {
    const checkout = join(tmp, "source");
    await createGitHelper({ cwd: tmp, ...(opts.signal ? { signal: opts.signal } : {}) }).clone(existsSync(local) ? local : source, checkout, { depth: 1 });
    if (!existsSync(paths.productsDir(checkout))) throw new MeshroomError("E_NOT_FOUND", `the repository ${source} has no products/ folder`);
    return await importFrom(root, checkout, source, opts);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function importFrom(root: string, from: string, source: string, opts: ImportProductsOptions): Promise<ImportProductsReport> {
  const available = listProducts(from);
  const wanted = opts.only && opts.only.length > 0 ? [...new Set(opts.only)] : available;
  for (const name of wanted) assertName("product", name);
  const missing = wanted.filter((n) => !available.includes(n));
  if (missing.length > 0) {
    throw new MeshroomError("E_NOT_FOUND", `${source} has no product ${missing.join(", ")}`, { detail: `it has: ${available.join(", ") || "(no products)"}` });
  }
  const known = new Set([...wanted, ...listProducts(root)]);
  const plan = wanted.map((name) => ({ name, ...planProduct(root, from, name, known) }));
  const conflicts = plan.flatMap((p) => p.files.filter((f) => f.local === "differs").map((f) => f.rel));
  if (conflicts.length > 0 && !opts.force) {
    throw new MeshroomError("E_CONFLICT", `${conflicts.length} file${conflicts.length === 1 ? "" : "s"} of the project differ from ${source}; nothing was imported`, {
      detail: `${conflicts.map((c) => `  ${c}`).join("\n")}\nkeep yours (leave those products out with --only), or overwrite them with --force`,
    });
  }
  const products: ImportedProduct[] = [];
  for (const p of plan) {
    const existed = existsSync(paths.definition(root, p.name));
    const toWrite = p.files.filter((f) => f.local !== "same");
    for (const f of toWrite) writeFileAtomicSync(prepareProjectWrite(root, join(root, f.rel)), f.text);
    products.push({
      name: p.name,
      status: !existed ? "created" : toWrite.length > 0 ? "updated" : "unchanged",
      written: toWrite.map((f) => f.rel),
      overwritten: toWrite.filter((f) => f.local === "differs").map((f) => f.rel),
      skippedTargets: p.skippedTargets,
    });
  }
  // their code is not run until `meshroom trust` (what was trusted before stays trusted while unchanged)
  recordOrigin(root, products.map((p) => p.name), from === resolve(source) ? from : source);
  return { source, products };
}

/**
 * Every file of products/NAME in the source, checked, and compared with the project's copy.
 * Integrations towards a product outside KNOWN are left out (the project would not load).
 */
export function planProduct(root: string, from: string, name: string, known: ReadonlySet<string>): { files: PlannedFile[]; skippedTargets: string[] } {
  const dir = paths.productDir(from, name);
  const out: PlannedFile[] = [];
  const skipped = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const abs of _walk(dir)) {
    const inProduct = relative(dir, abs);
    const [top, towards] = inProduct.split(sep);
    if (top === "integrations" && towards !== undefined && inProduct.split(sep).length > 2 && !known.has(towards)) {
      skipped.add(towards);
      continue;
    }
    const rel = join("products", name, inProduct);
    const text = readFileSync(abs, "utf8");
    problems.push(...checkFile(inProduct, rel, text));
    const target = assertInProject(root, join(root, rel), "read");
    const local = !existsSync(target) ? "absent" : readFileSync(target, "utf8") === text ? "same" : "differs";
    out.push({ rel, text, local });
  }
  if (problems.length > 0) throw new MeshroomError("E_BAD_MANIFEST", `product ${name} of the source is invalid; nothing was imported`, { diagnostics: problems });
  return { files: out, skippedTargets: [...skipped].sort() };
}

function checkFile(inProduct: string, shown: string, text: string): Diagnostic[] {
  if (inProduct === "definition.yaml") return parseYamlText(text, ProductDefinitionSchema, shown).diagnostics;
  const parts = inProduct.split(sep);
  if (parts[0] === "integrations" && parts.length === 3 && isIntegrationFile(parts[2]!)) {
    if (!parseIntegrationFileName(parts[2]!)) return [{ summary: "integration file names are <topic>_<role>[_<format>][_pull].yaml", location: { file: shown } }];
    return parseYamlText(text, IntegrationFileSchema, shown).diagnostics;
  }
  return [];
}

function listProducts(from: string): string[] {
  const dir = paths.productsDir(from);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith(".") && existsSync(paths.definition(from, d.name)))
    .map((d) => d.name)
    .sort();
}

/** Regular files under DIR, skipping dot-files and node_modules (symlinks are not followed). */
function* _walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* _walk(p);
    else if (e.isFile()) yield p;
  }
}

/** A bare repository (HEAD + objects/) or a work tree (.git). */
function looksLikeGitRepo(dir: string): boolean {
  return existsSync(join(dir, ".git")) || (existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects")));
}
