// Python hook files are code like TypeScript ones: a product from outside the project
// (import-products, pull) must not have its `.py` files imported — not even to register
// their hooks — before `meshroom trust`. And the Python process meshroom starts dies with it.
import { execa } from "execa";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { BIN, initProject, meshroom, ok, tempDir } from "../cli/helpers.js";
import { isAlive } from "../../src/exec/index.js";

vi.setConfig({ testTimeout: 120_000 });

const pyMarking = (marker: string, tag: string, decorator: string) => `from meshroom.decorators import ${decorator.split("(")[0]}
open(${JSON.stringify(marker)}, "a").write(${JSON.stringify(tag)} + "\\n")

@${decorator}
def hook(instance):
    return {}
`;
const ran = (marker: string): string[] => (existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean) : []);

describe("untrusted Python hook files", () => {
  it("are not imported by list, validate or plan until `meshroom trust`; trusted, they run and stay trusted", async () => {
    const marker = join(tempDir("mr-pymarker-"), "ran");
    const from = await initProject();
    await ok(["create", "product", "vendor", "-p", from]);
    writeFileSync(join(from, "products/vendor/definition.yaml"), "name: vendor\nproduces:\n  events: [{}]\n");
    writeFileSync(join(from, "products/vendor/hooks.py"), pyMarking(marker, "vendor/hooks.py", 'setup_producer("events")'));
    mkdirSync(join(from, "products/vendor/integrations/siem"), { recursive: true });
    writeFileSync(join(from, "products/vendor/integrations/siem/events_producer.yaml"), "topic: events\nrole: producer\n");
    writeFileSync(join(from, "products/vendor/integrations/siem/events_producer.py"), pyMarking(marker, "vendor/integrations/siem/events_producer.py", "setup"));

    const root = await initProject();
    await ok(["create", "product", "siem", "-p", root]);
    writeFileSync(join(root, "products/siem/definition.yaml"), "name: siem\nconsumes:\n  events: [{}]\n");
    await ok(["import-products", from, "-p", root]);
    for (const args of [["list", "integrations"], ["validate"], ["plan"]]) {
      await meshroom([...args, "-p", root]);
      expect(ran(marker), `meshroom ${args.join(" ")}`).toEqual([]);
    }
    const validate = await ok(["validate", "-p", root]);
    expect(validate.stderr).toContain("products/vendor/hooks.py: not loaded (untrusted: meshroom trust vendor)");
    const plan = await meshroom(["plan", "-p", root]);
    expect(plan.stderr).toContain("meshroom trust vendor");

    const trust = await ok(["trust", "vendor", "-p", root]);
    expect(trust.stdout).toMatch(/\+ hooks\.py\s+sha256:/);
    const list = await ok(["list", "integrations", "--json", "-p", root]);
    expect(ran(marker).sort()).toEqual(["vendor/hooks.py", "vendor/integrations/siem/events_producer.py"]);
    const rows = JSON.parse(list.stdout) as Array<{ product: string; hooks: Array<{ source: string }> }>;
    // the integration's own setup hook (events_producer.py) overloads the product-wide one (20-matching.md)
    expect(rows.filter((r) => r.product === "vendor").flatMap((r) => r.hooks.map((h) => h.source))).toEqual(["products/vendor/integrations/siem/events_producer.py"]);
    // running the files wrote nothing into the product (no __pycache__): it is still trusted
    expect(existsSync(join(root, "products/vendor/__pycache__"))).toBe(false);
    const again = await meshroom(["plan", "-p", root]);
    expect(again.stderr).not.toContain("not trusted");

    // a change to a .py file needs trust again, and is not imported meanwhile
    writeFileSync(join(root, "products/vendor/hooks.py"), pyMarking(marker, "changed", 'setup_producer("events")'));
    await meshroom(["list", "integrations", "-p", root]);
    await meshroom(["plan", "-p", root]);
    expect(ran(marker)).not.toContain("changed");
  });

  it("the Python process dies with meshroom, even on kill -9", async () => {
    const root = await initProject();
    await ok(["create", "product", "edr", "-p", root]);
    writeFileSync(join(root, "products/edr/definition.yaml"), "name: edr\nproduces:\n  events: [{}]\n");
    const pidFile = join(root, "python.pid");
    writeFileSync(join(root, "products/edr/hooks.py"), `import os, time
from meshroom.decorators import setup_instance

@setup_instance
def hang(instance):
    open(${JSON.stringify(pidFile)} + ".tmp", "w").write(str(os.getpid()))
    os.rename(${JSON.stringify(pidFile)} + ".tmp", ${JSON.stringify(pidFile)})
    time.sleep(120)
`);
    await ok(["add", "edr", "edr1", "-p", root]);
    const cfg = tempDir("mr-cfg-");
    const run = execa(process.execPath, [BIN, "up", "-p", root], {
      reject: false, extendEnv: false, stdin: "ignore",
      env: { PATH: process.env.PATH ?? "", HOME: cfg, XDG_CONFIG_HOME: join(cfg, "xdg"), CI: "true", NO_COLOR: "1" },
    });
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isAlive(pid)).toBe(true);
    run.kill("SIGKILL");
    await run;
    let alive = true;
    for (let i = 0; i < 200 && (alive = isAlive(pid)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive).toBe(false);
  });
});
