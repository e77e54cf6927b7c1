import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Project } from "./project.js";
import type { LockedProduct, TrustLock } from "./trust-lock.js";

/**
 * Whether a product's code may run: the project's own products run as they are (unless
 * meshroom.yaml says `trust: all`); a product that came from outside (`import-products`, `pull`:
 * it has a `source` in meshroom.lock) runs only while every one of its files hashes as it did
 * when it was last trusted (`meshroom trust`).
 *
 * The unit is the whole product folder, every file in it, not only the files the loader
 * imports: a hook file runs the modules it imports (`./lib/x.ts`), and YAML manifests declare
 * command hooks that run as processes. A future hook file type (`.py`) is covered as it is.
 */
export type TrustPolicy = "imported" | "all";

export type FileChangeKind = "added" | "changed" | "removed";

export interface FileChange {
  /** Path inside products/<name>, "/"-separated. */
  file: string;
  change: FileChangeKind;
  /** The hash recorded in the lock (changed, removed). */
  trusted?: string;
  /** The hash of the file now (added, changed). */
  current?: string;
}

export interface ProductTrust {
  product: string;
  /** Why the product needs trust: it came from outside (lock `source`), or `trust: all`. */
  source?: string;
  /** Never trusted (no files recorded in the lock). */
  never: boolean;
  /** Files that differ from the lock (every file when never trusted). */
  changes: FileChange[];
}

/** The products whose code must not run now, sorted by name: they need trust and differ from the lock. */
export function untrustedProducts(project: Project, lock: TrustLock, only?: readonly string[]): ProductTrust[] {
  const policy: TrustPolicy = project.settings.trust ?? "imported";
  const names = (only ?? [...project.products.keys()]).filter((n) => project.products.has(n)).sort(compareText);
  const out: ProductTrust[] = [];
  for (const name of names) {
    const entry = lock.products[name];
    if (policy !== "all" && entry?.source === undefined) continue;
    if (!runsCode(project, name)) continue;
    const t = compareWithLock(name, productFileHashes(project.products.get(name)!.dir), entry);
    if (t.changes.length > 0 || t.never) out.push(t);
  }
  return out;
}

/** Whether anything of the product can run: a hook file, or a command hook declared in its definition or integrations. */
export function runsCode(project: Project, product: string): boolean {
  if ((project.hookFiles.products.get(product) ?? []).length > 0) return true;
  if (project.hookFiles.integrations.some((h) => h.product === product)) return true;
  if ((project.products.get(product)?.commandHooks ?? []).length > 0) return true;
  return project.integrations.some((i) => i.product === product && i.commandHooks.length > 0);
}

/** The product's files now against what the lock recorded when it was last trusted. */
export function compareWithLock(product: string, current: Record<string, string>, entry: LockedProduct | undefined): ProductTrust {
  const trusted = entry?.files ?? {};
  const changes: FileChange[] = [];
  for (const file of [...new Set([...Object.keys(current), ...Object.keys(trusted)])].sort(compareText)) {
    const now = current[file];
    const then = trusted[file];
    if (now === then) continue;
    if (then === undefined) changes.push({ file, change: "added", current: now! });
    else if (now === undefined) changes.push({ file, change: "removed", trusted: then });
    else changes.push({ file, change: "changed", trusted: then, current: now });
  }
  return { product, ...(entry?.source !== undefined ? { source: entry.source } : {}), never: entry?.files === undefined, changes };
}

/**
 * Every file under DIR ("/"-separated path → "sha256:<hex>"), `.git` folders left out. A
 * symbolic link to a file is hashed as the file it reaches (that is what an import reads); any
 * other link is recorded by its target, and not followed.
 */
export function productFileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(abs).sort(compareText);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    for (const name of names) {
      if (name === ".git") continue;
      const p = join(abs, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, r);
      else if (st.isFile()) out[r] = sha256(readFileSync(p));
      else if (st.isSymbolicLink()) out[r] = isFile(p) ? sha256(readFileSync(p)) : `symlink:${readlinkSync(p)}`;
    }
  };
  walk(dir, "");
  return out;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
