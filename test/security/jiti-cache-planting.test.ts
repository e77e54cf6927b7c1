// Attack: jiti's default compile cache is the shared `$TMPDIR/jiti`. Its file names and the
// trailing line it checks can be computed offline, so a local user who creates that folder
// first plants a module that the next `meshroom validate` (or plan, apply, list integrations)
// runs instead of the hook file. meshroom must compile hooks into a private folder only.
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { initProject, meshroom, ok, tempDir } from "../cli/helpers.js";

vi.setConfig({ testTimeout: 60_000 });

const md5 = (s: string, n: number) => createHash("md5").update(s).digest("hex").slice(0, n);

/** What jiti 2 writes for FILE (imported as ESM) in its cache folder, with the line it checks. */
function jitiCacheEntry(file: string): { name: string; trailer: string } {
  const source = readFileSync(file, "utf8");
  const stem = basename(file).replace(/\.[^.]+$/, "");
  return { name: `${basename(dirname(file))}-${stem}.${md5(file, 8)}.mjs`, trailer: ` /* v9-${md5(source, 16)} */\n` };
}

/** A crafted "compiled" module that writes MARKER when evaluated (jiti wraps it in a CommonJS-style function). */
function plantedModule(marker: string, trailer: string): string {
  return `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "planted code ran as uid " + process.getuid());\n${trailer}`;
}

async function projectWithHook(): Promise<{ root: string; hookFile: string }> {
  const root = await initProject();
  // from a template: its boilerplate hooks are registered, so the count below shows the file was loaded
  await ok(["create", "product", "edr", "--from", "edr", "-p", root]);
  const hookFile = join(root, "products/edr/hooks.ts");
  expect(existsSync(hookFile)).toBe(true);
  return { root, hookFile };
}

describe("jiti compile cache planting", () => {
  it("a module planted at the computed path in $TMPDIR/jiti is not run by `meshroom validate`", async () => {
    const { root, hookFile } = await projectWithHook();
    const tmp = tempDir("mr-tmp-");
    const marker = join(tempDir("mr-marker-"), "pwned");
    const { name, trailer } = jitiCacheEntry(hookFile);
    mkdirSync(join(tmp, "jiti"), { recursive: true, mode: 0o777 });
    writeFileSync(join(tmp, "jiti", name), plantedModule(marker, trailer));

    const r = await meshroom(["validate", "-p", root], { env: { TMPDIR: tmp, XDG_CACHE_HOME: tempDir("mr-xdg-") } });
    expect(existsSync(marker)).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    // the hook file itself was loaded (the product's starter hooks are counted)
    expect(r.stdout).toMatch(/The project is valid: .* [1-9]\d* hooks\./);
  });

  it("compiles hooks into a private 0700 folder under $XDG_CACHE_HOME/meshroom and reuses it", async () => {
    const { root } = await projectWithHook();
    const xdg = tempDir("mr-xdg-");
    await ok(["validate", "-p", root], { env: { XDG_CACHE_HOME: xdg, TMPDIR: tempDir("mr-tmp-") } });
    const dir = join(xdg, "meshroom", "jiti");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).some((f) => f.startsWith("edr-hooks.") && f.endsWith(".mjs"))).toBe(true);
  });

  it("does not use a cache folder that other users can write, and says so", async () => {
    const { root, hookFile } = await projectWithHook();
    const xdg = tempDir("mr-xdg-");
    const dir = join(xdg, "meshroom", "jiti");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const marker = join(tempDir("mr-marker-"), "pwned");
    const { name, trailer } = jitiCacheEntry(hookFile);
    writeFileSync(join(dir, name), plantedModule(marker, trailer));

    const r = await meshroom(["validate", "-p", root], { env: { XDG_CACHE_HOME: xdg, TMPDIR: tempDir("mr-tmp-") } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toContain(`compiled hooks are not cached: ${dir} is open to other users`);
  });

  it.runIf(process.getuid?.() === 0)("does not use a cache folder owned by another user, and says so", async () => {
    const { root, hookFile } = await projectWithHook();
    const xdg = tempDir("mr-xdg-");
    const dir = join(xdg, "meshroom", "jiti");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const marker = join(tempDir("mr-marker-"), "pwned");
    const { name, trailer } = jitiCacheEntry(hookFile);
    writeFileSync(join(dir, name), plantedModule(marker, trailer));
    chownSync(dir, 65534, 65534);

    const r = await meshroom(["validate", "-p", root], { env: { XDG_CACHE_HOME: xdg, TMPDIR: tempDir("mr-tmp-") } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toContain(`${dir} belongs to uid 65534`);
  });
});
