import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compareWithLock, productFileHashes, sha256 } from "../../src/project/product-trust.js";
import { parseTrustLock, readTrustLock, renderTrustLock, writeTrustLock } from "../../src/project/trust-lock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "mr-lock-"));
  dirs.push(d);
  return d;
}

const H = (s: string) => sha256(s);

describe("meshroom.lock", () => {
  it("is written sorted and reads back the same, whatever the order it was built in", () => {
    const root = temp();
    writeTrustLock(root, { products: { zeta: { source: "https://x/c.git" }, alpha: { files: { "z.ts": H("z"), "a.yaml": H("a") }, source: "../cat" } } });
    const text = readFileSync(join(root, "meshroom.lock"), "utf8");
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(text.indexOf('"a.yaml"')).toBeLessThan(text.indexOf('"z.ts"'));
    expect(text.endsWith("}\n")).toBe(true);
    expect(renderTrustLock(readTrustLock(root))).toBe(text);
  });

  it("refuses a malformed lock instead of reading it as empty", () => {
    expect(() => parseTrustLock({ version: 2, products: {} })).toThrow(/unsupported version 2/);
    expect(() => parseTrustLock({ version: 1, products: { "../x": {} } })).toThrow(/not a product name/);
    expect(() => parseTrustLock({ version: 1, products: { a: { files: { "h.ts": "md5:abc" } } } })).toThrow(/sha256/);
    const root = temp();
    writeFileSync(join(root, "meshroom.lock"), "{ not json");
    expect(() => readTrustLock(root)).toThrow(/meshroom.lock is invalid: it is not valid JSON/);
  });
});

describe("product file hashes", () => {
  it("covers every file of the product (nested modules, manifests, any file type), not .git", () => {
    const dir = temp();
    mkdirSync(join(dir, "lib"));
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, "hooks.ts"), "h");
    writeFileSync(join(dir, "lib/util.ts"), "u");
    writeFileSync(join(dir, "hook.py"), "p");
    writeFileSync(join(dir, ".git/HEAD"), "ref");
    symlinkSync("hooks.ts", join(dir, "link.ts"));
    expect(productFileHashes(dir)).toEqual({ "hook.py": H("p"), "hooks.ts": H("h"), "lib/util.ts": H("u"), "link.ts": H("h") });
  });

  it("reports added, changed and removed files against the lock", () => {
    const t = compareWithLock("p", { "a.ts": H("a2"), "new.ts": H("n") }, { source: "s", files: { "a.ts": H("a"), "gone.ts": H("g") } });
    expect(t.never).toBe(false);
    expect(t.changes.map((c) => `${c.change} ${c.file}`)).toEqual(["changed a.ts", "removed gone.ts", "added new.ts"]);
    expect(compareWithLock("p", { "a.ts": H("a") }, { source: "s" }).never).toBe(true);
  });
});
