import { cpSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { REPO, ok, tempDir } from "./helpers.js";

vi.setConfig({ testTimeout: 120_000 });

/** Files last changed a minute ago: the manifest cache does not trust files changed in the last 2 s. */
function settle(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    utimesSync(join(e.parentPath, e.name), past, past);
  }
}

const RECORDER = join(REPO, "test/cli/fixtures/record-modules.mjs");

describe("cold start", () => {
  it("listing and plugging on an unchanged project load neither yaml nor zod (the manifest cache serves every manifest)", async () => {
    const root = join(tempDir(), "quickstart");
    cpSync(join(REPO, "examples/quickstart"), root, { recursive: true });
    settle(root);
    const cache = tempDir("mr-cache-");
    const record = join(tempDir(), "modules.txt");
    const run = async (args = ["list", "products", "--json"]) => {
      writeFileSync(record, "");
      const r = await ok([...args, "-p", root], {
        env: { XDG_CACHE_HOME: cache, RECORD_MODULES: record, NODE_OPTIONS: `--import ${RECORDER}` },
      });
      // a package from node_modules, or one the bundle carries in a file of its own (dist/cli/vendor/<package>.js)
      const packageOf = (u: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? /\/dist\/cli\/vendor\/([^/]+)\.js$/.exec(u)?.[1];
      const packages = new Set(readFileSync(record, "utf8").split("\n").map(packageOf).filter(Boolean));
      return { out: (args.includes("--json") ? JSON.parse(r.stdout) : r.stdout) as unknown, packages };
    };

    const first = await run(); // parses every manifest and fills the cache
    expect(first.packages).toContain("yaml");
    expect(first.packages).toContain("zod");

    const warm = await run();
    expect(warm.out).toEqual(first.out);
    expect(warm.packages).not.toContain("yaml");
    expect(warm.packages).not.toContain("zod");

    // listing integrations imports the TypeScript hook files (jiti), and still needs no zod:
    // hook options are checked by hand, hook results (zod) only once a hook runs
    const integrations = await run(["list", "integrations", "--json"]);
    expect(integrations.packages).toContain("jiti");
    expect(integrations.packages).not.toContain("zod");
    expect(integrations.packages).not.toContain("yaml");

    // plug writes its file without the yaml package, and the file reads back as the same plug
    const plugs = await run(["list", "plugs", "--json"]);
    await ok(["unplug", "events", "intake", "siem", "-p", root], { env: { XDG_CACHE_HOME: cache } });
    const replug = await run(["plug", "events", "intake", "siem", "--mode", "pull"]);
    expect(replug.packages).not.toContain("yaml");
    expect(replug.packages).not.toContain("zod");
    expect((await run(["list", "plugs", "--json"])).out).toEqual(plugs.out);

    // one edited file is parsed again (and only then are the parser's packages loaded)
    const config = join(root, "instances/sink/siem/config.yaml");
    writeFileSync(config, readFileSync(config, "utf8") + "\n# edited\n");
    const edited = await run();
    expect(edited.out).toEqual(first.out);
    expect(edited.packages).toContain("yaml");
  });
});
