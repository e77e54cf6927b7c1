// The seed tutorial, command by command, on a temp copy of examples/seed-tutorial: its hooks
// are Python files written as the seeds write them (`from meshroom.decorators import …`), and
// they talk to the tutorial's stand-in tenants (examples/seed-tutorial/standin/service.py, on a
// loopback port this test starts and stops).
import { execa, type ResultPromise } from "execa";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseDocument } from "yaml";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(REPO, "bin", "meshroom.js");
const EXAMPLE = join(REPO, "examples", "seed-tutorial");

let work: string;
let project: string;
let service: ResultPromise | undefined;
let base: string;
let env: NodeJS.ProcessEnv;

async function meshroom(args: string[], input = "") {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: project, env, extendEnv: false, input, reject: false, timeout: 120_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), all: `${String(r.stdout)}\n${String(r.stderr)}` };
}
async function ok(args: string[], input = "") {
  const r = await meshroom(args, input);
  expect(r.code, `meshroom ${args.join(" ")}\n${r.all}`).toBe(0);
  return r;
}
type StandinState = {
  intakes: Record<string, { api_key: string }>; events: Array<{ event: unknown }>; plugins: Record<string, { api_key: string; options: Record<string, unknown> }>;
  actions: Record<string, { name: string }>; modules: Array<{ name: string; files: Record<string, string> }>; searches: Array<{ query: string }>;
};
async function standin(): Promise<StandinState> {
  return (await (await fetch(`${base}/state`)).json()) as StandinState;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "mr-seed-tutorial-"));
  project = join(work, "tutorial");
  cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/[\\/](\.meshroom|meshroom\.state\.json.*|secrets\.gpg|meshroom\.lock)$/.test(src) });
  env = {
    PATH: process.env.PATH ?? "", HOME: join(work, "home"), XDG_CONFIG_HOME: join(work, "config"), XDG_CACHE_HOME: join(work, "cache"),
    CI: "true", NO_COLOR: "1",
  };
  service = execa("python3", ["-B", join(project, "standin", "service.py"), "--port", "0"], { reject: false, stdin: "ignore" });
  base = await new Promise<string>((resolve, reject) => {
    let out = "";
    service!.stdout!.on("data", (c: Buffer) => {
      out += String(c);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void service!.then((r) => reject(new Error(`the stand-in service ended: ${String(r.stderr)}`)));
  });
  env.SEKOIA_CATALOG_URL = `${base}/sekoia`;
  env.SEKOIA_CATALOG_TOKEN = "catalog-token-1";
  await ok(["secrets", "init", "--name", "tutorial"]);
});

afterAll(async () => {
  if (project && existsSync(join(project, "meshroom.state.json"))) await meshroom(["down"]);
  service?.kill("SIGKILL");
  await service?.catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe("the seed tutorial with Python hooks", () => {
  it("runs from create product to down against the stand-in tenants", async () => {
    // 2. integrate your product
    await ok(["create", "product", "myedr", "--from", "edr", "--lang", "py"]);
    expect(existsSync(join(project, "products/myedr/hooks.py"))).toBe(true);
    const defFile = join(project, "products/myedr/definition.yaml");
    const def = parseDocument(readFileSync(defFile, "utf8"));
    const add = parseDocument(readFileSync(join(project, "tutorial/myedr/capabilities.yaml"), "utf8")).toJS() as Record<string, unknown>;
    for (const [section, value] of Object.entries(add)) {
      if (Array.isArray(value)) for (const item of value) def.addIn([section], def.createNode(item));
      else for (const [k, v] of Object.entries(value as Record<string, unknown>)) def.setIn([section, k], def.createNode(v));
    }
    writeFileSync(defFile, def.toString());
    cpSync(join(project, "tutorial/myedr/search_threat.py"), join(project, "products/myedr/search_threat.py"));
    await ok(["create", "integration", "myedr", "sekoia", "search_threat", "executor"]);
    expect(existsSync(join(project, "products/myedr/integrations/sekoia/search_threat_executor.yaml"))).toBe(true);
    expect((await ok(["list", "products", "mye"])).stdout).toContain("myedr");
    const mine = (await ok(["list", "integrations", "myedr"])).stdout;
    expect(mine).toMatch(/myedr\s+sekoia\s+search_threat\s+executor\s+push\s+-\s+explicit\s+owns self/);

    // 3. create a mesh
    await ok(["add", "sekoia", "mysekoia", "-c", `url=${base}/sekoia`, "-s", "API_KEY"], "soc-api-key-123\n");
    await ok(["add", "myedr", "-c", `API_URL=${base}/myedr`, "-s", "API_KEY"], "edr-api-key-456\n");
    await ok(["plug", "events", "myedr", "mysekoia"]);
    const failing = await meshroom(["plug", "search_threat", "mysekoia", "myedr"]);
    expect(failing.code).toBe(1);
    expect(failing.all).toContain("meshroom create integration sekoia myedr search_threat trigger");
    const created = await ok(["create", "integration", "sekoia", "myedr", "search_threat", "trigger", "--mode=push"]);
    expect(created.stdout).toContain("scaffold hook: scaffold_playbook_action");
    for (const f of ["search_threat_trigger.py", "playbook/search_threat/main.py", "playbook/search_threat/manifest.json"]) {
      expect(existsSync(join(project, "products/sekoia/integrations/myedr", f)), f).toBe(true);
    }
    expect((await ok(["list", "integrations", "sekoia", "myedr"])).stdout).toMatch(/sekoia\s+myedr\s+search_threat\s+trigger\s+push\s+-\s+explicit\s+owns self/);
    await ok(["plug", "search_threat", "mysekoia", "myedr"]);
    expect((await ok(["list", "instances"])).stdout).toMatch(/mysekoia[\s\S]*myedr|myedr[\s\S]*mysekoia/);
    const plugs = (await ok(["list", "plugs"])).stdout;
    expect(plugs).toContain("search_threat");
    expect(plugs).toContain("events");

    // 4. up: the intake, the plugin and the playbook action exist, with the right keys
    const up = await ok(["up"]);
    expect(up.stdout).toContain("created intake myedr events for myedr");
    let s = await standin();
    expect(Object.values(s.intakes).map((i) => i.api_key)).toEqual(["soc-api-key-123"]);
    expect(Object.values(s.plugins).map((p) => [p.api_key, p.options.some_setting])).toEqual([["edr-api-key-456", "whatever"]]);
    expect(Object.values(s.actions).map((a) => a.name)).toEqual(["search_threat:myedr"]);
    expect(up.all).not.toContain("soc-api-key-123");
    expect((await ok(["up"])).stdout).toContain("No changes");

    // produce and watch events
    await ok(["produce", "events", "myedr", "mysekoia"], '{"process": "evil.exe"}\nplain line\n');
    s = await standin();
    expect(s.events.map((e) => e.event)).toEqual([{ process: "evil.exe" }, "plain line"]);
    const watched = await ok(["watch", "events", "myedr", "mysekoia", "--count", "2"]);
    expect(watched.stdout.trim().split("\n")).toEqual(['{"process":"evil.exe"}', "plain line"]);

    // trigger: the platform's playbook action calls myedr's plugin; execute calls it directly
    const triggered = await ok(["trigger", "search_threat", "mysekoia", "myedr", "-p", "query=evil.exe"]);
    expect(triggered.stdout).toContain("host-42");
    const executed = await ok(["execute", "search_threat", "mysekoia", "myedr", "-p", "query=x"]);
    expect(executed.stdout).toContain("host-42");
    expect((await standin()).searches.map((q) => q.query)).toEqual(["evil.exe", "x"]);

    // 6. publish the scaffolded playbook action to the catalog
    const published = await ok(["publish", "sekoia", "myedr", "search_threat"]);
    expect(published.all).toContain("myedr-search_threat");
    const modules = (await standin()).modules;
    expect(modules.map((m) => [m.name, Object.keys(m.files).sort()])).toEqual([["myedr-search_threat", ["main.py", "manifest.json"]]]);

    // 5. down: every tenant is clean again
    await ok(["down"]);
    s = await standin();
    expect([Object.keys(s.intakes).length, Object.keys(s.plugins).length, Object.keys(s.actions).length]).toEqual([0, 0, 0]);
    expect(existsSync(join(project, "products/sekoia/__pycache__"))).toBe(false);
  });
});
