import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TerraformResource, TerraformStack, App } from "cdktf";
import type { Construct } from "constructs";
import { MeshStack, Secret, Testing } from "../../constructs/index.js";
import { generateBindings } from "../../src/engine/deploy/generate-bindings.js";
import { RESERVED_MEMBERS } from "../../src/synth/binding-names.js";
import { loadCatalogProject } from "../../stacks/index.js";

/**
 * `meshroom get` on setting names that are not TypeScript or Terraform identifiers, or that are
 * Terraform meta-arguments or cdktf members: the classes type-check, every setting has its own
 * property, and the mesh gets each value under the setting's own name.
 */
const REPO = resolve(import.meta.dirname, "../..");
const SETTINGS: Array<[name: string, type: string, value: unknown]> = [
  ["1st", "string", "one"],
  ["max-body", "integer", 10],
  ["a.b", "string", "dot"],
  ["count", "integer", 3],
  ["provider", "string", "prov"],
  ["depends_on", "string", "dep"],
  ["for_each", "string", "each"],
  ["lifecycle", "string", "life"],
  ["max_body", "integer", 20],
  ["maxBody", "integer", 30],
  ["node", "string", "n"],
  ["get_value", "string", "g"],
  ["port", "integer", 1],
  ["port_input", "integer", 2],
  ["with space", "boolean", true],
  ["fqn", "string", "f"],
];
let dir: string;
let Klass: new (scope: Construct, id: string, config: Record<string, unknown>) => Construct;
let properties: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "meshroom-names-"));
  mkdirSync(join(dir, "products/odd"), { recursive: true });
  mkdirSync(join(dir, "instances"));
  const settings = [...SETTINGS.map(([name, type]) => ({ name, type })), { name: "api_key", secret: true }];
  writeFileSync(join(dir, "products/odd/definition.yaml"), JSON.stringify({ name: "odd", settings }));
  await generateBindings(dir);
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  for (const pkg of ["cdktf", "constructs", "@types/node"]) symlinkSync(join(REPO, "node_modules", pkg), join(dir, "node_modules", pkg), "dir");
  Klass = ((await import(pathToFileURL(join(dir, ".gen/providers/meshroom/odd-instance/index.ts")).href)) as { OddInstance: typeof Klass }).OddInstance;
  const probe = new Klass(new TerraformStack(new App({ outdir: join(dir, "probe") }), "p"), "probe", {});
  properties = (probe as unknown as Record<symbol, { settings: Record<string, string> }>)[Symbol.for("meshroom/binding")]!.settings;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("meshroom get on awkward setting names", () => {
  it("gives every setting its own property, escaped as cdktf's generator escapes provider attributes", () => {
    const bySetting = Object.fromEntries(Object.entries(properties).map(([p, s]) => [s, p]));
    expect(Object.keys(bySetting).sort()).toEqual([...SETTINGS.map(([n]) => n), "api_key"].sort());
    expect(bySetting).toMatchObject({
      "1st": "setting1St", "max-body": "maxBody", "a.b": "aB", count: "countAttribute", provider: "providerAttribute",
      depends_on: "dependsOnAttribute", for_each: "forEachAttribute", lifecycle: "lifecycleAttribute", node: "nodeAttribute",
      get_value: "fetchValue", port: "port", fqn: "fqnAttribute", api_key: "apiKey",
    });
    // names that would meet get a suffix in definition order; none is dropped
    expect(new Set(Object.keys(properties)).size).toBe(SETTINGS.length + 1);
  });

  it("writes classes that type-check, used with every property", async () => {
    writeFileSync(join(dir, "main.ts"), [
      'import { App, TerraformStack } from "cdktf";',
      'import { OddInstance } from "./.gen/providers/meshroom/odd-instance/index.js";',
      'const stack = new TerraformStack(new App(), "s");',
      `new OddInstance(stack, "a", { ${Object.keys(properties).map((p) => `${p}: ${p === properties["apiKey"] ? '"x"' : "undefined"}`).join(", ")} });`,
      "",
    ].join("\n"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, skipLibCheck: true, noEmit: true, types: ["node"] },
      include: ["main.ts", ".gen/**/*.ts"],
    }));
    const r = await execa(join(REPO, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: dir, reject: false });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it("synthesizes each value under its setting's own name (count and provider included)", async () => {
    const mesh = new MeshStack(Testing.app(), "soc", { project: await loadCatalogProject(dir) });
    const bySetting = Object.fromEntries(Object.entries(properties).map(([p, s]) => [s, p]));
    const config: Record<string, unknown> = { [bySetting["api_key"]!]: Secret.fromStore("api_key") };
    for (const [name, , value] of SETTINGS) config[bySetting[name]!] = value;
    new Klass(mesh, "odd1", config);
    const doc = Testing.synthMesh(mesh);
    expect(doc.resource?.meshroom_instance?.odd1).toEqual({
      name: "odd1", product: "odd", secret_refs: ["api_key"], depends_on: [],
      settings: Object.fromEntries(SETTINGS.map(([n, , v]) => [n, v]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))),
    });
  });

  it("reserves every member cdktf's TerraformResource has", () => {
    const stack = new TerraformStack(new App({ outdir: join(dir, "probe2") }), "s");
    const r = new TerraformResource(stack, "r", { terraformResourceType: "x" });
    const members = new Set<string>(Object.keys(r));
    for (let p: object | null = TerraformResource.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const n of Object.getOwnPropertyNames(p)) members.add(n);
    }
    expect([...members].filter((m) => !RESERVED_MEMBERS.has(m))).toEqual([]);
  });
});
