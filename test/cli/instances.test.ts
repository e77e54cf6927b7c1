import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { hasStack, initProject, meshroom, ok, read, snapshot } from "./helpers.js";

// each test spawns the real binary several times; a loaded machine needs room
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const DEF = `# a product written by hand
name: tele
settings:
  - { name: API_URL, required: true }
  - { name: API_KEY, secret: true }
  - { name: port, type: integer, default: 8443 }
  - { name: verify_tls, type: boolean, default: true }
  - { name: ratio, type: number }
  - { name: indexes, type: array }
  - { name: proxy, type: object, properties: [ { name: host, required: true }, { name: port, type: integer } ] }
  - { name: region, default: eu }
produces:
  events: [{}]
consumes:
  events: [{}]
`;

let root: string;
beforeAll(async () => {
  root = await initProject();
  await ok(["-p", root, "create", "product", "tele"]);
  writeFileSync(join(root, "products/tele/definition.yaml"), DEF);
});

function allFilesContain(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).size < 5_000_000 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe("add", () => {
  it("types -c values by the setting's type and applies defaults", async () => {
    await ok(["-p", root, "add", "tele", "t1", "-c", "API_URL=https://x?a=b", "-c", "port=9000", "-c", "ratio=0.5", "-c", "verify_tls=no",
      "-c", "indexes=a,b", "-c", 'proxy={"host":"h","port":3128}']);
    const text = read(root, "instances/tele/t1/config.yaml");
    expect(text).toContain("port: 9000\n");
    expect(text).not.toContain('"9000"');
    expect(parse(text)).toEqual({
      settings: { API_URL: "https://x?a=b", port: 9000, ratio: 0.5, verify_tls: false, indexes: ["a", "b"], proxy: { host: "h", port: 3128 }, region: "eu" },
    });
    const inst = JSON.parse((await ok(["-p", root, "list", "instances", "t1", "--json"])).stdout) as Array<{ settings: Record<string, unknown> }>;
    expect(inst[0]!.settings.port).toBe(9000);
  });

  it("defaults the instance name to the product name, and applies every default", async () => {
    await ok(["-p", root, "add", "tele", "-c", "API_URL=u"]);
    expect(parse(read(root, "instances/tele/tele/config.yaml"))).toEqual({ settings: { API_URL: "u", port: 8443, verify_tls: true, region: "eu" } });
  });

  it("fails (exit 1) naming a missing required value when not on a TTY, without hanging or writing", async () => {
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "add", "tele", "t2", "-c", "port=1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: instance t2: required setting API_URL not given");
    expect(r.stderr).toContain("-c API_URL=…");
    expect(hasStack(r.stderr)).toBe(false);
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses bad values, unknown settings, secrets given with -c, duplicates and bad names, writing nothing", async () => {
    const before = snapshot(root);
    const cases: Array<[string[], RegExp]> = [
      [["-c", "API_URL=u", "-c", "port=84x3"], /setting port: "84x3" is not an integer/],
      [["-c", "API_URL=u", "-c", "verify_tls=maybe"], /setting verify_tls: "maybe" is not a boolean/],
      [["-c", "API_URL=u", "-c", 'proxy={"port":1}'], /setting proxy\.host is required/],
      [["-c", "API_URL=u", "-c", "colour=red"], /product tele has no setting "colour"\nits settings: API_URL, API_KEY, port/],
      [["-c", "API_URL=u", "-c", "API_KEY=k"], /setting API_KEY is secret: pass it with `-s API_KEY`/],
    ];
    for (const [flags, re] of cases) {
      const r = await meshroom(["-p", root, "add", "tele", "t3", ...flags]);
      expect(r.code, flags.join(" ")).toBe(1);
      expect(r.stderr).toMatch(re);
    }
    const dup = await meshroom(["-p", root, "add", "tele", "t1", "-c", "API_URL=u"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("instance t1 already exists (product tele)");
    for (const bad of ["../x", "a b", "a/b"]) {
      const r = await meshroom(["-p", root, "add", "tele", bad, "-c", "API_URL=u"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`invalid instance name ${JSON.stringify(bad)}`);
    }
    const noEq = await meshroom(["-p", root, "add", "tele", "t3", "-c", "API_URL"]);
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toContain('-c expects key=value, got "API_URL"');
    const ghost = await meshroom(["-p", root, "add", "ghost", "g"]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain("product ghost not found");
    expect(snapshot(root)).toEqual(before);
  });

  it("instance names are unique across products", async () => {
    await ok(["-p", root, "create", "product", "other"]);
    const r = await meshroom(["-p", root, "add", "other", "t1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("instance t1 already exists (product tele); instance names are unique in a project");
  });

  it("-s NAME without a secrets key fails cleanly and never writes the secret in clear", async () => {
    const before = snapshot(root);
    const value = "s3cr3t-value-4242";
    const r = await meshroom(["-p", root, "add", "tele", "t4", "-c", "API_URL=u", "-s", "API_KEY"], { input: `${value}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).toMatch(/secrets|recipient|key/i);
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(value);
    expect(snapshot(root)).toEqual(before);
    expect(allFilesContain(root, value)).toEqual([]);
    // no value on stdin for the secret: a clean error, not a hang
    const empty = await meshroom(["-p", root, "add", "tele", "t4", "-c", "API_URL=u", "-s", "API_KEY"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("no value on stdin for secret API_KEY");
  });
});

describe("configure", () => {
  it("changes settings in place, typed, keeping the user's comments and key order", async () => {
    await ok(["-p", root, "add", "tele", "c1", "-c", "API_URL=https://old"]);
    const file = join(root, "instances/tele/c1/config.yaml");
    writeFileSync(file, "# hand-written header\nsettings:\n  # where the API is\n  API_URL: https://old # old URL\n  port: 8443\n  region: eu\n");
    const r = await ok(["-p", root, "configure", "c1", "-c", "port=9443", "-c", "API_URL=https://new", "-c", "ratio=1.5"]);
    expect(r.stdout).toContain("Configured instance c1: port, API_URL, ratio");
    expect(readFileSync(file, "utf8")).toBe("# hand-written header\nsettings:\n  # where the API is\n  API_URL: https://new # old URL\n  port: 9443\n  region: eu\n  ratio: 1.5\n");
    // configure does not re-apply defaults
    expect(parse(readFileSync(file, "utf8")).settings.verify_tls).toBeUndefined();
  });

  it("refuses an unknown instance (exit 1), nothing to do (exit 2) and bad values (exit 1)", async () => {
    const before = snapshot(root);
    const ghost = await meshroom(["-p", root, "configure", "ghost", "-c", "port=1"]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain("instance ghost not found");
    const nothing = await meshroom(["-p", root, "configure", "c1"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("nothing to configure");
    const bad = await meshroom(["-p", root, "configure", "c1", "-c", "port=high"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('setting port: "high" is not an integer');
    expect(snapshot(root)).toEqual(before);
  });
});

describe("remove", () => {
  it("is refused while a plug references the instance (naming it), and works with --force", async () => {
    await ok(["-p", root, "add", "tele", "src1", "-c", "API_URL=u"]);
    await ok(["-p", root, "add", "tele", "dst1", "-c", "API_URL=u"]);
    mkdirSync(join(root, "instances/tele/src1/plugs/dst1"), { recursive: true });
    writeFileSync(join(root, "instances/tele/src1/plugs/dst1/events.yaml"), "kind: data\nowner: both\n");
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "remove", "dst1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("instance dst1 is still referenced");
    expect(r.stderr).toContain("plugs: src1 -[events]-> dst1");
    expect(r.stderr).toContain("--force");
    expect(snapshot(root)).toEqual(before);

    const forced = await ok(["-p", root, "remove", "dst1", "--force"]);
    expect(forced.stdout).toContain("Removed instance dst1.");
    expect(forced.stdout).toContain("removed plug instances/tele/src1/plugs/dst1/events.yaml");
    expect(existsSync(join(root, "instances/tele/dst1"))).toBe(false);
    expect(existsSync(join(root, "instances/tele/src1/plugs/dst1/events.yaml"))).toBe(false);
    expect((await ok(["-p", root, "validate"])).code).toBe(0);
  });

  it("is refused while the state references the instance", async () => {
    await ok(["-p", root, "add", "tele", "st1", "-c", "API_URL=u"]);
    const lineage = "0f8e4b52-3c1a-4d7e-9a65-1b2c3d4e5f60";
    const resource = { address: "instance.st1", type: "meshroom_instance", status: "ready", inputs: {}, outputs: {}, secret_hmacs: {}, steps_done: [], dependencies: [] };
    const state = (serial: number, resources: object[]) => JSON.stringify({ version: 1, meshroom_version: "0.1.0", lineage, serial, resources });
    writeFileSync(join(root, "meshroom.state.json"), state(1, [resource]));
    try {
      const r = await meshroom(["-p", root, "remove", "st1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("state: instance.st1");
      expect(r.stderr).toContain("meshroom destroy --target instance.st1");
      expect(existsSync(join(root, "instances/tele/st1/config.yaml"))).toBe(true);
      // an instance named like a plug's topic is not "referenced" by that plug
      await ok(["-p", root, "add", "tele", "events", "-c", "API_URL=u"]);
      const plug = { ...resource, address: "plug.st1.other.events.push", type: "meshroom_plug", dependencies: ["instance.st1"] };
      writeFileSync(join(root, "meshroom.state.json"), state(2, [resource, plug]));
      await ok(["-p", root, "remove", "events"]);
      expect(existsSync(join(root, "instances/tele/events"))).toBe(false);
    } finally {
      writeFileSync(join(root, "meshroom.state.json"), state(3, []));
    }
  });

  it("removes an unreferenced instance and refuses an unknown one", async () => {
    await ok(["-p", root, "add", "tele", "gone", "-c", "API_URL=u"]);
    await ok(["-p", root, "remove", "gone"]);
    expect(existsSync(join(root, "instances/tele/gone"))).toBe(false);
    const again = await meshroom(["-p", root, "remove", "gone"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("instance gone not found");
  });
});
