import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { privateCacheDir } from "../../util/private-cache.js";
import { PYTHON_PACKAGE_DIR, type PyRegistration } from "./python-host.js";

/**
 * What each Python hook file registers, cached on disk so that `list`, `plan` and `validate`
 * start no Python process when nothing changed. An entry is keyed by the file, the interpreter,
 * the shipped `meshroom` package's sources and the content of every `.py` file of the file's
 * product folder (a hook file may import its siblings, `from .api import …`): editing any of
 * them is a miss. The cache holds no code, only what the decorators recorded; it lives in a
 * private cache folder (util/private-cache.ts: one that another user can write is not used).
 */
export interface RegistrationCache {
  get(file: string, productDir: string): PyRegistration[] | undefined;
  set(file: string, productDir: string, hooks: PyRegistration[]): void;
}

export function openRegistrationCache(python: string): RegistrationCache | undefined {
  const c = privateCacheDir("python-hooks", process.env, { what: "the Python hook registration cache" });
  if (c.dir === false) return undefined;
  const dir = c.dir;
  const digests = new Map<string, string>();
  const productDigest = (d: string) => {
    let v = digests.get(d);
    if (v === undefined) digests.set(d, (v = pythonSourcesDigest(d)));
    return v;
  };
  const keyOf = (file: string, productDir: string) =>
    createHash("sha256").update(JSON.stringify([1, python, packageDigest(), file, productDigest(productDir)])).digest("hex");
  return {
    get(file, productDir) {
      try {
        const parsed = JSON.parse(readFileSync(join(dir, `${keyOf(file, productDir)}.json`), "utf8")) as unknown;
        return Array.isArray(parsed) ? (parsed as PyRegistration[]) : undefined;
      } catch {
        return undefined;
      }
    },
    set(file, productDir, hooks) {
      const target = join(dir, `${keyOf(file, productDir)}.json`);
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, JSON.stringify(hooks), { mode: 0o600 });
        renameSync(tmp, target);
      } catch {
        // a cache that cannot be written only costs time
      }
    },
  };
}

let pkgDigest: string | undefined;
function packageDigest(): string {
  return (pkgDigest ??= pythonSourcesDigest(PYTHON_PACKAGE_DIR));
}

/** A digest of every `.py` file under DIR (paths and contents), `__pycache__` and `.git` left out. */
export function pythonSourcesDigest(dir: string): string {
  const h = createHash("sha256");
  const walk = (abs: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "__pycache__" || name === ".git" || name === "node_modules") continue;
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, r);
      else if (name.endsWith(".py")) {
        h.update(r).update("\0");
        try {
          h.update(readFileSync(p));
        } catch {
          h.update("(unreadable)");
        }
        h.update("\0");
      }
    }
  };
  walk(dir, "");
  return h.digest("hex");
}
