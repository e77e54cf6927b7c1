import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hookCompileCache } from "../../src/util/compile-cache.js";
import { privateCacheDir } from "../../src/util/private-cache.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "mr-cc-"));
  dirs.push(d);
  return d;
}

describe.skipIf(process.getuid === undefined)("hook compile cache folder", () => {
  it("is created 0700 under $XDG_CACHE_HOME/meshroom", () => {
    const xdg = temp();
    const c = hookCompileCache({ XDG_CACHE_HOME: xdg });
    expect(c).toEqual({ dir: join(xdg, "meshroom", "jiti") });
    expect(statSync(join(xdg, "meshroom", "jiti")).mode & 0o777).toBe(0o700);
  });

  it("is not used below a folder others may write to (no sticky bit): they could swap it", () => {
    const xdg = temp();
    chmodSync(xdg, 0o777);
    const c = hookCompileCache({ XDG_CACHE_HOME: xdg });
    expect(c.dir).toBe(false);
    expect(c.dir === false && c.reason).toContain(`${xdg} (above the compile cache) is writable by other users`);
  });

  it("a folder only this user can write but others can read (0755, as earlier versions made it) is narrowed to 0700 and used", () => {
    const xdg = temp();
    mkdirSync(join(xdg, "meshroom", "manifests"), { recursive: true, mode: 0o755 });
    chmodSync(join(xdg, "meshroom", "manifests"), 0o755);
    expect(privateCacheDir("manifests", { XDG_CACHE_HOME: xdg })).toEqual({ dir: join(xdg, "meshroom", "manifests") });
    expect(statSync(join(xdg, "meshroom", "manifests")).mode & 0o777).toBe(0o700);
    // one that others can write is another matter: something may be planted there already
    chmodSync(join(xdg, "meshroom", "manifests"), 0o775);
    expect(privateCacheDir("manifests", { XDG_CACHE_HOME: xdg })).toMatchObject({ dir: false, unsafe: true });
  });

  it("is not used when it is a symbolic link", () => {
    const xdg = temp();
    const elsewhere = join(temp(), "x");
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(xdg, "meshroom"));
    symlinkSync(elsewhere, join(xdg, "meshroom", "jiti"));
    const c = hookCompileCache({ XDG_CACHE_HOME: xdg });
    expect(c.dir === false && c.reason).toContain("is not a folder");
  });

  it("is off with MESHROOM_NO_CACHE=1, and a relative $XDG_CACHE_HOME is ignored (XDG spec)", () => {
    expect(hookCompileCache({ MESHROOM_NO_CACHE: "1" })).toMatchObject({ dir: false, unsafe: false });
    const home = temp();
    expect(hookCompileCache({ XDG_CACHE_HOME: "rel", HOME: home })).toEqual({ dir: join(home, ".cache", "meshroom", "jiti") });
  });
});
