import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { isValidName } from "../model/index.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";

/**
 * `meshroom.lock`, committed with the project (like Terraform's dependency lock file): for each
 * product whose code must be reviewed before it runs, where it came from and the content hash of
 * every one of its files that was trusted (`meshroom trust`). Plain, sorted JSON, so a change to
 * it reads well in a code review. Parsed by hand: listing commands read it and must not load zod.
 *
 * {
 *   "version": 1,
 *   "products": {
 *     "splunk": {
 *       "source": "https://github.com/acme/catalog.git",
 *       "files": { "definition.yaml": "sha256:…", "hooks.ts": "sha256:…" }
 *     }
 *   }
 * }
 *
 * `source` is set when the product came from outside the project (`import-products`, `pull`);
 * `files` is absent until the product is first trusted.
 */
export const TRUST_LOCK_FILE = "meshroom.lock";
const VERSION = 1;

export interface LockedProduct {
  /** Where the product's files came from; absent for the project's own products (locked with `trust: all`). */
  source?: string;
  /** path inside products/<name> ("/"-separated) → "sha256:<hex>" (or "symlink:<target>"), as last trusted. */
  files?: Record<string, string>;
}

export interface TrustLock {
  products: Record<string, LockedProduct>;
}

export function trustLockPath(root: string): string {
  return join(root, TRUST_LOCK_FILE);
}

/** The project's lock; an empty one when there is no file. A malformed file is an error (never read as "nothing trusted yet" silently). */
export function readTrustLock(root: string): TrustLock {
  const file = trustLockPath(root);
  if (!existsSync(file)) return { products: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw bad(`it is not valid JSON: ${(e as Error).message}`);
  }
  return parseTrustLock(raw);
}

export function parseTrustLock(raw: unknown): TrustLock {
  if (!isRecord(raw)) throw bad("it is not a JSON object");
  if (raw.version !== VERSION) throw bad(`unsupported version ${JSON.stringify(raw.version)} (this meshroom reads version ${VERSION})`);
  const products: Record<string, LockedProduct> = {};
  const rawProducts = raw.products ?? {};
  if (!isRecord(rawProducts)) throw bad("`products` is not an object");
  for (const [name, entry] of Object.entries(rawProducts)) {
    if (!isValidName(name)) throw bad(`${JSON.stringify(name)} is not a product name`);
    if (!isRecord(entry)) throw bad(`products.${name} is not an object`);
    const out: LockedProduct = {};
    if (entry.source !== undefined) {
      if (typeof entry.source !== "string") throw bad(`products.${name}.source is not a string`);
      out.source = entry.source;
    }
    if (entry.files !== undefined) {
      if (!isRecord(entry.files)) throw bad(`products.${name}.files is not an object`);
      const files: Record<string, string> = {};
      for (const [f, h] of Object.entries(entry.files)) {
        if (typeof h !== "string" || !/^(sha256:[0-9a-f]{64}|symlink:.+)$/.test(h)) throw bad(`products.${name}.files[${JSON.stringify(f)}] is not "sha256:<64 hex digits>"`);
        files[f] = h;
      }
      out.files = files;
    }
    products[name] = out;
  }
  return { products };
}

/** The file's text: keys sorted at every level, two-space indents, a final newline. */
export function renderTrustLock(lock: TrustLock): string {
  const products: Record<string, LockedProduct> = {};
  for (const name of Object.keys(lock.products).sort(compareText)) {
    const e = lock.products[name]!;
    const out: LockedProduct = {};
    if (e.files !== undefined) out.files = Object.fromEntries(Object.keys(e.files).sort(compareText).map((f) => [f, e.files![f]!]));
    if (e.source !== undefined) out.source = e.source;
    products[name] = out;
  }
  return `${JSON.stringify({ products, version: VERSION }, null, 2)}\n`;
}

/** Replaces the lock file atomically (a reader sees the old lock or the new one). */
export function writeTrustLock(root: string, lock: TrustLock): void {
  writeFileAtomicSync(trustLockPath(root), renderTrustLock(lock));
}

function bad(why: string): MeshroomError {
  return new MeshroomError("E_BAD_MANIFEST", `${TRUST_LOCK_FILE} is invalid: ${why}`, {
    detail: `restore it from version control (git checkout -- ${TRUST_LOCK_FILE}), or remove it and trust the products again with \`meshroom trust PRODUCT…\``,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
