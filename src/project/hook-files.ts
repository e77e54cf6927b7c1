import { join } from "node:path";
import { type IntegrationKey, parseIntegrationFileName } from "../model/index.js";
import { dirNamesIn, fileNamesIn } from "./dir-listing.js";

/**
 * Where a project's hook files are: product-wide files `products/<p>/*.ts|mts|js|mjs|py`, and
 * integration files `products/<p>/integrations/<t>/<stem>.ts|py` next to `<stem>.yaml`. The project
 * loader finds them while it reads those folders anyway, so loading hooks walks nothing again.
 */
export interface HookFiles {
  /** Product-wide hook files (absolute paths, sorted) per product. */
  products: Map<string, string[]>;
  /** Integration hook files, sorted by product, target and file. */
  integrations: IntegrationHookFile[];
  /** Hook files in integration folders that no integration file claims, and why. */
  ignored: Array<{ file: string; reason: string }>;
}

export interface IntegrationHookFile {
  product: string;
  target: string;
  key: IntegrationKey;
  /** Absolute path. */
  file: string;
}

const HOOK_FILE = /\.(ts|mts|js|mjs|py)$/;
const DECLARATION = /\.d\.m?ts$/;

/** TypeScript/JavaScript hook files (imported in meshroom's process) or Python ones (run by its Python host); `__init__.py` is not a hook file. */
export function isHookFileName(name: string): boolean {
  return HOOK_FILE.test(name) && !DECLARATION.test(name) && name !== "__init__.py";
}

/** A Python hook file (python/meshroom runs it, not jiti). */
export function isPythonHookFile(file: string): boolean {
  return file.endsWith(".py");
}

/** Hook file names among a product folder's files. */
export function productHookFileNames(fileNames: readonly string[]): string[] {
  return fileNames.filter(isHookFileName).sort();
}

/**
 * The hook files of one integration folder `products/<product>/integrations/<target>`, from the
 * names of its files: each claimed by the integration file of the same stem, or ignored.
 */
export function integrationHookFilesIn(
  product: string, target: string, dir: string, fileNames: readonly string[],
): { found: IntegrationHookFile[]; ignored: HookFiles["ignored"] } {
  const names = new Set(fileNames);
  const found: IntegrationHookFile[] = [];
  const ignored: HookFiles["ignored"] = [];
  const claimed = new Map<string, string>();
  for (const name of [...fileNames].filter(isHookFileName).sort()) {
    const file = join(dir, name);
    const stem = name.replace(HOOK_FILE, "");
    const key = parseIntegrationFileName(stem);
    if (!key || !(names.has(`${stem}.yaml`) || names.has(`${stem}.yml`))) {
      ignored.push({ file, reason: `it is not next to an integration file (${stem}.yaml named <topic>_<role>[_<format>][_pull])` });
      continue;
    }
    // one TypeScript/JavaScript file and one Python file per integration
    const slot = `${stem}${isPythonHookFile(name) ? ":py" : ""}`;
    const first = claimed.get(slot);
    if (first !== undefined) {
      ignored.push({ file, reason: `integration ${stem} already has its hook file ${first}` });
      continue;
    }
    claimed.set(slot, name);
    found.push({ product, target, key, file });
  }
  return { found, ignored };
}

/**
 * The hook files of products found on disk, for callers that have no loaded project (the
 * project loader finds the same files, by the same rules, while it loads).
 */
export function findHookFiles(products: ReadonlyArray<{ name: string; dir: string }>): HookFiles {
  const out: HookFiles = { products: new Map(), integrations: [], ignored: [] };
  for (const p of [...products].sort((a, b) => cmp(a.name, b.name))) {
    out.products.set(p.name, productHookFileNames(fileNamesIn(p.dir)).map((n) => join(p.dir, n)));
    const base = join(p.dir, "integrations");
    for (const target of dirNamesIn(base)) {
      const dir = join(base, target);
      const { found, ignored } = integrationHookFilesIn(p.name, target, dir, fileNamesIn(dir));
      out.integrations.push(...found);
      out.ignored.push(...ignored);
    }
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
