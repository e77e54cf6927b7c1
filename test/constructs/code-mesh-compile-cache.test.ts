import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ok, tempDir } from "../cli/helpers.js";
import { useCodeMeshCopy } from "./fixture.js";

/**
 * `meshroom synth` runs a code mesh written `npx --no-install jiti main.ts` with jiti's file cache
 * in meshroom's private compile cache ($XDG_CACHE_HOME/meshroom/jiti), never in the shared
 * $TMPDIR/jiti where anyone can plant a compiled module, and not at all when that folder is not
 * safe. The cache is checked against the source: an edited main.ts is compiled again.
 */
const fx = useCodeMeshCopy();

function synthDoc(env: NodeJS.ProcessEnv): Promise<{ resource: { meshroom_instance: Record<string, { name: string; settings: Record<string, unknown> }> } }> {
  return ok(["synth", "--json"], { cwd: fx.dir, env }).then((r) => JSON.parse(r.stdout));
}

describe("the compiled code of a code mesh", () => {
  it("is cached in meshroom's private compile cache, never in the shared temp folder, and follows edits of main.ts", async () => {
    const cache = tempDir("mr-xdg-");
    const tmp = tempDir("mr-tmp-");
    const env = { XDG_CACHE_HOME: cache, TMPDIR: tmp };
    const first = await synthDoc(env);
    const compiled = readdirSync(join(cache, "meshroom", "jiti"));
    // main.ts and the three classes of `meshroom get` (and the products' hooks, loaded by loadMeshProject)
    expect(compiled.filter((f) => /main\.[0-9a-f]+\.mjs$/.test(f))).toHaveLength(1);
    expect(compiled.filter((f) => /-instance-index\.[0-9a-f]+\.mjs$/.test(f))).toHaveLength(3);
    expect(existsSync(join(tmp, "jiti"))).toBe(false);
    expect(Object.values(first.resource.meshroom_instance).find((i) => i.name === "intake")?.settings.max_body).toBe(1048576);

    const main = join(fx.dir, "main.ts");
    const source = readFileSync(main, "utf8");
    try {
      writeFileSync(main, source.replace("maxBody: 1048576", "maxBody: 2048"));
      const second = await synthDoc(env);
      expect(Object.values(second.resource.meshroom_instance).find((i) => i.name === "intake")?.settings.max_body).toBe(2048);
    } finally {
      writeFileSync(main, source);
    }
  }, 120_000);

  it("is not cached at all when the cache folder is open to other users", async () => {
    const cache = tempDir("mr-xdg-");
    const tmp = tempDir("mr-tmp-");
    const dir = join(cache, "meshroom", "jiti");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const doc = await synthDoc({ XDG_CACHE_HOME: cache, TMPDIR: tmp });
    expect(Object.keys(doc.resource.meshroom_instance).length).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(tmp, "jiti"))).toBe(false);
  }, 120_000);
});
