import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { initProject, meshroom, ok, read, snapshot, tempDir } from "./helpers.js";

// each test spawns the real binary several times; a loaded machine needs room
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const GIT_ID = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" };

describe("the issue's done-when flow", () => {
  it("init, create product --from edr, add -c API_URL=…, then list products/instances --json show them", async () => {
    const root = join(tempDir(), "x");
    const init = await ok(["init", root]);
    expect(init.stdout).toContain(`Initialized a meshroom project in ${root}`);
    for (const f of ["meshroom.yaml", "cdktf.json", ".gitignore", "README.md", "products", "instances", "recipients"]) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
    expect(read(root, ".gitignore")).toMatch(/^\.meshroom\/$/m);

    // run from inside the project, like `cd /tmp/p && meshroom …`
    await ok(["create", "product", "myedr", "--from", "edr"], { cwd: root });
    expect(existsSync(join(root, "products/myedr/definition.yaml"))).toBe(true);
    expect(read(root, "products/myedr/hooks.ts")).toMatch(/^\/\/ Hooks of product myedr/);
    const add = await ok(["add", "myedr", "-c", "API_URL=https://x"], { cwd: root });
    expect(add.stdout).toContain("Added instance myedr of myedr: instances/myedr/myedr/config.yaml");

    const products = JSON.parse((await ok(["list", "products", "--json"], { cwd: root })).stdout) as Array<Record<string, unknown>>;
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ name: "myedr", tags: ["EDR"], integrations: 0, instances: 1 });
    expect(products[0]!.capabilities).toContainEqual({ role: "producer", topic: "events", mode: "push", format: "ecs" });
    expect(products[0]!.capabilities).toContainEqual({ role: "executor", topic: "contain", mode: "push" });

    const instances = JSON.parse((await ok(["-p", root, "list", "instances", "--json"])).stdout) as unknown;
    expect(instances).toEqual([{ name: "myedr", product: "myedr", settings: { API_URL: "https://x", verify_tls: true }, plugs: 0, status: "not applied" }]);

    // the human tables name them too
    expect((await ok(["-p", root, "list", "products"])).stdout).toMatch(/^NAME\s+TAGS\s+CAPABILITIES\s+INTEGRATIONS\s+INSTANCES\nmyedr\s+EDR\s+\d+\s+0\s+1$/);
    expect((await ok(["-p", root, "list", "instances"])).stdout).toMatch(/^NAME\s+PRODUCT\s+PLUGS\s+STATUS\nmyedr\s+myedr\s+0\s+not applied$/);
    expect((await ok(["-p", root, "validate"])).stdout).toMatch(/^The project is valid: 1 products, 0 explicit integrations, 1 instances, 0 plugs, [1-9]\d* hooks\.$/m);
  });
});

describe("init", () => {
  it("creates a git repository", async () => {
    const root = await initProject();
    expect(existsSync(join(root, ".git"))).toBe(true);
  });

  it("is a no-op with exit 0 when re-run on a project", async () => {
    const root = await initProject();
    await ok(["-p", root, "create", "product", "p1"]);
    const before = snapshot(root);
    const again = await meshroom(["init", root]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("is already a meshroom project: nothing to do");
    expect(snapshot(root)).toEqual(before);
    // `init` with -p and no path means the same directory
    expect((await meshroom(["-p", root, "init"])).code).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses a non-empty directory that is not a project, with exit 1 and nothing written", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    const before = snapshot(dir);
    const r = await meshroom(["init", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: ${dir} is not empty and is not a meshroom project`);
    expect(r.stdout).toBe("");
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, ".git"))).toBe(false);
  });

  it("adopts a fresh clone with a README (its files kept) and --commit makes the first commit", async () => {
    const dir = tempDir();
    const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ID }, encoding: "utf8" });
    // an "origin" with a README and a .gitignore of its own, cloned as a user would
    const origin = join(dir, "origin");
    mkdirSync(origin);
    git(origin, "init", "-q", "-b", "main");
    writeFileSync(join(origin, "README.md"), "# Our mesh\n");
    writeFileSync(join(origin, ".gitignore"), "*.tmp\n");
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", "first");
    const clone = join(dir, "clone");
    git(dir, "clone", "-q", origin, clone);
    // something the user staged on their own stays out of init's commit
    writeFileSync(join(clone, "draft.txt"), "not yet\n");
    git(clone, "add", "draft.txt");

    const r = await ok(["init", clone, "--commit"]);
    expect(r.stdout).toContain("in the existing git repository; its files were kept");
    expect(readFileSync(join(clone, "README.md"), "utf8")).toBe("# Our mesh\n");
    const ignore = readFileSync(join(clone, ".gitignore"), "utf8");
    expect(ignore.startsWith("*.tmp\n")).toBe(true);
    expect(ignore).toContain("meshroom.state.json\n");
    expect(existsSync(join(clone, "meshroom.yaml"))).toBe(true);
    expect(git(clone, "log", "--format=%s").trim().split("\n")).toEqual(["meshroom init", "first"]);
    const committed = git(clone, "show", "--name-only", "--format=", "HEAD").trim().split("\n").sort();
    expect(committed).toEqual([".gitignore", "cdktf.json", "instances/.gitkeep", "meshroom.yaml", "products/.gitkeep", "recipients/.gitkeep"]);
    expect(git(clone, "status", "--porcelain").trim()).toBe("A  draft.txt");
    // the project works, and `git commit -a` after an edit now has something to commit
    await ok(["-p", clone, "create", "product", "p1"]);
    expect((await ok(["-p", clone, "validate"])).stdout).toContain("The project is valid");
  });

  it("adopts a git repository without --commit: no commit is made", async () => {
    const dir = tempDir();
    execFileSync("git", ["init", "-q", dir]);
    writeFileSync(join(dir, "README.md"), "# x\n");
    const r = await ok(["init", dir]);
    expect(r.stdout).not.toContain("Committed");
    expect(() => execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, stdio: "pipe" })).toThrow();
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# x\n");
  });

  it("accepts an empty directory and refuses a path that is a file", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "empty"));
    expect((await meshroom(["init", join(dir, "empty")])).code).toBe(0);
    writeFileSync(join(dir, "file"), "x");
    const r = await meshroom(["init", join(dir, "file")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exists and is not a directory");
  });
});

describe("templates", () => {
  it("every template in `list templates --json` creates a product that validates", async () => {
    const list = JSON.parse((await ok(["list", "templates", "--json"])).stdout) as Array<{ name: string; title: string; tags: string[] }>;
    const names = list.map((t) => t.name);
    // one per market category named in the spec, plus soar
    for (const n of ["edr", "siem", "xdr", "ndr", "tip", "easm", "waf", "soar", "cps", "caasm", "itdr", "mdr", "dfir", "drp", "telemetry"]) expect(names).toContain(n);
    expect(names.length).toBeGreaterThanOrEqual(24);
    const root = await initProject();
    // each template in its own copy of the project (in parallel), then gathered into one project
    const copies = list.map((t) => {
      const copy = join(tempDir(), "p");
      cpSync(root, copy, { recursive: true, filter: (src) => !src.includes(".git") });
      return { t, copy };
    });
    for (let i = 0; i < copies.length; i += 6) {
      await Promise.all(copies.slice(i, i + 6).map(({ t, copy }) => ok(["-p", copy, "create", "product", `p_${t.name}`, "--from", t.name])));
    }
    for (const { t, copy } of copies) renameSync(join(copy, "products", `p_${t.name}`), join(root, "products", `p_${t.name}`));
    const v = await meshroom(["-p", root, "validate", "--json"]);
    expect(JSON.parse(v.stdout)).toEqual({ valid: true, diagnostics: [], warnings: [] });
    expect(v.code).toBe(0);
    const products = JSON.parse((await ok(["-p", root, "list", "products", "--json"])).stdout) as Array<{ name: string; capabilities: unknown[]; tags: string[] }>;
    expect(products).toHaveLength(list.length);
    for (const p of products) expect(p.capabilities.length, p.name).toBeGreaterThan(0);
    // standard topic and format names
    const defs = list.map((t) => parse(read(root, `products/p_${t.name}/definition.yaml`)) as Record<string, Record<string, Array<{ format?: string }>> | undefined>);
    const topics = new Set(defs.flatMap((d) => ["produces", "consumes"].flatMap((k) => Object.keys(d[k] ?? {}))));
    for (const topic of topics) expect(["events", "alerts", "threats", "iocs", "assets", "vulnerabilities", "detection_rules"]).toContain(topic);
    const formats = new Set(defs.flatMap((d) => ["produces", "consumes"].flatMap((k) => Object.values(d[k] ?? {}).flat().map((s) => s.format).filter(Boolean))));
    for (const f of formats) expect(["ecs", "ocsf", "syslog", "cef", "stix", "sigma"]).toContain(f);
    const actions = new Set(defs.flatMap((d) => ["triggers", "executes"].flatMap((k) => Object.keys(d[k] ?? {}))));
    for (const a of actions) expect(["deny", "allow", "contain", "scan", "start", "stop", "restart", "download", "search"]).toContain(a);
  }, 120_000);

  it("an unknown template is refused, naming the available ones, and nothing is written", async () => {
    const root = await initProject();
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "create", "product", "x", "--from", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no product template named "nope"');
    expect(r.stderr).toContain("edr");
    expect(snapshot(root)).toEqual(before);
  });

  it("`list templates` prints a table", async () => {
    const r = await ok(["list", "templates"]);
    expect(r.stdout).toMatch(/^NAME\s+TITLE\s+TAGS$/m);
    expect(r.stdout).toMatch(/^edr\s+Endpoint detection and response\s+EDR$/m);
  });
});

describe("validate", () => {
  it("exits 1 and lists every problem on stderr with file:line:column and field", async () => {
    const root = await initProject();
    await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
    await ok(["-p", root, "add", "myedr", "e1", "-c", "API_URL=https://x"]);
    writeFileSync(join(root, "instances/myedr/e1/config.yaml"), "settings:\n  API_URL: https://x\n  verify_tls: maybe\n  API_KEY: hunter2\n  colour: red\n");
    mkdirSync(join(root, "products/broken"));
    writeFileSync(join(root, "products/broken/definition.yaml"), "name: broken\nsettings: {\n");
    const r = await meshroom(["-p", root, "validate"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^4 problems found:/);
    expect(r.stderr).toMatch(/instances\/myedr\/e1\/config\.yaml:3:15: setting verify_tls: expected a boolean, got the string "maybe" \(field `settings\.verify_tls`\)/);
    expect(r.stderr).toMatch(/instances\/myedr\/e1\/config\.yaml:4:12: secret setting API_KEY is written in clear; remove it and run `meshroom configure <instance> -s API_KEY`/);
    expect(r.stderr).toMatch(/instances\/myedr\/e1\/config\.yaml:5:11: unknown setting "colour"/);
    expect(r.stderr).toMatch(/products\/broken\/definition\.yaml:\d+:\d+: YAML syntax error/);
    const j = await meshroom(["-p", root, "validate", "--json"]);
    expect(j.code).toBe(1);
    const parsed = JSON.parse(j.stdout) as { valid: boolean; diagnostics: unknown[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics).toHaveLength(4);
    // other commands refuse the broken project and point at validate
    const list = await meshroom(["-p", root, "list", "instances"]);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain("run `meshroom validate` to see every problem");
  });

  it("imports every hook file (running no hook) and reports each one that fails, with the manifests' problems", async () => {
    const root = await initProject();
    await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
    await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
    const marker = join(root, "hook-body-ran");
    writeFileSync(join(root, "products/myedr/broken.ts"), "const x = ;\n");
    writeFileSync(join(root, "products/myedr/throws.ts"), 'throw new Error("needs API_URL at import");\n');
    mkdirSync(join(root, "products/myedr/integrations/mysiem"), { recursive: true });
    writeFileSync(join(root, "products/myedr/integrations/mysiem/events_consumer.yaml"), "{}\n");
    writeFileSync(
      join(root, "products/myedr/integrations/mysiem/events_consumer.ts"),
      `import { writeFileSync } from "node:fs";\nimport { setupProducer } from "meshroom/hooks";\nsetupProducer(async () => { writeFileSync(${JSON.stringify(marker)}, ""); });\n`,
    );
    writeFileSync(join(root, "products/myedr/integrations/mysiem/helpers.ts"), "export const x = 1;\n");
    writeFileSync(join(root, "products/mysiem/definition.yaml"), "name: mysiem\nbogus: 1\n");
    const r = await meshroom(["-p", root, "validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^4 problems found:/m);
    expect(r.stderr).toMatch(/products\/mysiem\/definition\.yaml:2:1: unknown field `bogus`/);
    expect(r.stderr).toMatch(/products\/myedr\/broken\.ts: cannot be loaded: .*\S$/m);
    expect(r.stderr).toContain("products/myedr/throws.ts: cannot be loaded: needs API_URL at import");
    expect(r.stderr).toContain('products/myedr/integrations/mysiem/events_consumer.ts: setupProducer(): role "producer" contradicts the integration file name');
    expect(existsSync(marker)).toBe(false);
    // the warnings come too, problems or not
    expect(r.stderr).toMatch(/^Warning: products\/myedr\/integrations\/mysiem\/helpers\.ts: ignored, it is not next to an integration file/m);
    const j = JSON.parse((await meshroom(["-p", root, "validate", "--json"])).stdout) as { valid: boolean; diagnostics: Array<{ location?: { file?: string } }>; warnings: string[] };
    expect(j.valid).toBe(false);
    expect(j.warnings).toHaveLength(1);
    expect(j.diagnostics.map((d) => d.location?.file).sort()).toEqual([
      "products/myedr/broken.ts", "products/myedr/integrations/mysiem/events_consumer.ts", "products/myedr/throws.ts", "products/mysiem/definition.yaml",
    ]);
  });

  it("refuses a directory that is not a project", async () => {
    const r = await meshroom(["-p", tempDir(), "validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a meshroom project\ncreate one with `meshroom init <path>`/);
  });
});
