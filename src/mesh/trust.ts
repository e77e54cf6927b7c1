// trust: which products' hook code may run (meshroom.lock), recording where imported products
// came from, and `meshroom trust PRODUCT…` (record what is on disk now as reviewed).
import { MeshroomError } from "../errors/index.js";
import type { HookFiles } from "../project/hook-files.js";
import { loadProject } from "../project/load.js";
import { paths } from "../project/paths.js";
import { compareWithLock, productFileHashes, untrustedProducts, type FileChange, type ProductTrust } from "../project/product-trust.js";
import type { Project } from "../project/project.js";
import { readTrustLock, writeTrustLock } from "../project/trust-lock.js";
import { redactText } from "../util/redact.js";

/** What `meshroom trust` would say, for messages: "meshroom trust a b". */
export function trustCommand(products: readonly ProductTrust[]): string {
  return `meshroom trust ${products.map((p) => p.product).join(" ")}`;
}

/** One line about an untrusted product: why it needs trust and what changed. */
export function describeUntrusted(t: ProductTrust): string {
  const from = t.source !== undefined ? `from ${t.source}` : "locked by `trust: all`";
  if (t.never) return `${t.product} (${from}): never trusted`;
  const shown = t.changes.slice(0, 3).map((c) => `${c.file} ${c.change}`);
  const more = t.changes.length > 3 ? `, and ${t.changes.length - 3} more` : "";
  return `${t.product} (${from}): changed since last trusted (${shown.join(", ")}${more})`;
}

/** The refusal of a command that would run untrusted hook code. */
export function untrustedError(untrusted: readonly ProductTrust[]): MeshroomError {
  const names = untrusted.map((t) => t.product);
  return new MeshroomError("E_UNTRUSTED", `hook code of ${names.length === 1 ? "product" : "products"} ${names.join(", ")} is not trusted; nothing was run`, {
    detail: [
      ...untrusted.map((t) => `  ${describeUntrusted(t)}`),
      `review the code under ${names.map((n) => `products/${n}/`).join(", ")}, then run \`${trustCommand(untrusted)}\` (it records the hash of every file in meshroom.lock)`,
    ].join("\n"),
  });
}

/** The hook files without those of UNTRUSTED products (their YAML, command hooks included, is still read: it is not run by loading). */
export function withoutHookFilesOf(files: HookFiles, untrusted: ReadonlySet<string>): { files: HookFiles; left: Array<{ product: string; file: string }> } {
  if (untrusted.size === 0) return { files, left: [] };
  const left: Array<{ product: string; file: string }> = [];
  const products = new Map<string, string[]>();
  for (const [p, list] of files.products) {
    if (untrusted.has(p)) left.push(...list.map((file) => ({ product: p, file })));
    else products.set(p, list);
  }
  const integrations = files.integrations.filter((h) => {
    if (!untrusted.has(h.product)) return true;
    left.push({ product: h.product, file: h.file });
    return false;
  });
  return { files: { products, integrations, ignored: files.ignored }, left };
}

/**
 * Records in meshroom.lock that PRODUCTS came from SOURCE: their code is not run until
 * `meshroom trust` (what was trusted before stays recorded: unchanged files stay trusted).
 */
export function recordOrigin(root: string, products: readonly string[], source: string): void {
  if (products.length === 0) return;
  const lock = readTrustLock(root);
  const shown = redactText(withoutCredentials(source));
  for (const p of products) lock.products[p] = { ...lock.products[p], source: shown };
  writeTrustLock(root, lock);
}

export interface TrustedProduct {
  product: string;
  source?: string;
  /** Files that differ from what the lock recorded before (every file on a first trust). */
  changes: FileChange[];
  /** Trusted before, and unchanged since: nothing to record. */
  unchanged: boolean;
}

/** `meshroom trust PRODUCT…`: records the hash of every file of each product as reviewed. */
export async function trustProducts(root: string, names: readonly string[]): Promise<TrustedProduct[]> {
  if (names.length === 0) throw new MeshroomError("E_USAGE", "name the products to trust", { detail: "meshroom trust PRODUCT…" });
  const project = await loadProject(root);
  const unknown = names.filter((n) => !project.products.has(n));
  if (unknown.length > 0) {
    throw new MeshroomError("E_NOT_FOUND", `no product ${unknown.join(", ")} in this project; nothing was trusted`, {
      detail: `products: ${[...project.products.keys()].sort().join(", ") || "(none)"}`,
    });
  }
  const lock = readTrustLock(root);
  const out: TrustedProduct[] = [];
  for (const name of [...new Set(names)].sort()) {
    const current = productFileHashes(project.products.get(name)!.dir);
    const before = lock.products[name];
    const t = compareWithLock(name, current, before);
    const unchanged = !t.never && t.changes.length === 0;
    out.push({ product: name, ...(t.source !== undefined ? { source: t.source } : {}), changes: t.changes, unchanged });
    lock.products[name] = { ...before, files: current };
  }
  if (out.some((t) => !t.unchanged)) writeTrustLock(root, lock);
  return out;
}

/** The products of SCOPE (all when absent) whose hook code must not run now. */
export function untrustedIn(project: Project, scope?: readonly string[]): ProductTrust[] {
  return untrustedProducts(project, readTrustLock(project.root), scope);
}

/** user:password@ in a URL is never written to a committed file. */
function withoutCredentials(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/**
 * Runs WRITE (a meshroom command that edits PRODUCTS' files on the user's request: `create
 * capability`, `create integration` and its trusted scaffold hooks), then records the products
 * that were trusted before it as still trusted. A product that was not trusted stays untrusted:
 * this never launders someone else's change.
 */
export async function keepingTrust<T>(root: string, products: readonly string[], write: () => Promise<T>): Promise<T> {
  const lock = readTrustLock(root);
  const trusted = [...new Set(products)].filter((p) => {
    const entry = lock.products[p];
    return entry?.files !== undefined && compareWithLock(p, productFileHashes(paths.productDir(root, p)), entry).changes.length === 0;
  });
  try {
    return await write();
  } finally {
    if (trusted.length > 0) {
      const now = readTrustLock(root);
      for (const p of trusted) now.products[p] = { ...now.products[p], files: productFileHashes(paths.productDir(root, p)) };
      writeTrustLock(root, now);
    }
  }
}
