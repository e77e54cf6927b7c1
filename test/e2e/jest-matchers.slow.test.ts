import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa, type Options } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * meshroom's mesh matchers under a real jest, outside this repository: a project with jest (and
 * @types/jest, typescript) installed from npm, meshroom linked into its node_modules as an
 * installed package would be, `setupFilesAfterEnv: ["meshroom/testing/jest"]`, and a test file
 * with passing and failing matchers (on a stack in `Testing.app()` and in the test's own
 * cdktf `App`). jest runs meshroom's ESM with its native ESM support
 * (`--experimental-vm-modules`, no transformer). Then the types: tsc with @types/jest and
 * `meshroom/testing/jest`, no vitest in the project.
 */
const REPO = resolve(import.meta.dirname, "../..");
const QUICKSTART = join(REPO, "examples/quickstart");
const JEST = "jest@30.5.2";
const TYPES = ["@types/jest@30.0.0", "typescript@5.9.3"];
let dir: string;
const env = { CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", NODE_OPTIONS: "--experimental-vm-modules" };
const run = (file: string, args: string[], opts: Options = {}) => execa(file, args, { cwd: dir, env, timeout: 600_000, reject: false, ...opts });

const MESH_TEST = `import { App } from "cdktf";
import { Instance, MeshStack, Plug, Testing } from "meshroom/constructs";
import { loadMeshProject } from "meshroom/stacks";

const mesh = new MeshStack(Testing.app(), "soc", { project: await loadMeshProject(".") });
const intake = new Instance(mesh, "intake", { product: "intake", settings: { port: 0, max_body: 1048576, queue: "" } });
const webhook = new Instance(mesh, "webhook", { product: "webhook_source" });
new Plug(mesh, "webhook-to-intake", { topic: "events", src: webhook, dst: intake, mode: "push" });

test("what the mesh has", () => {
  expect(mesh).toHaveInstance("intake", { port: 0 });
  expect(mesh).toHavePlug({ topic: "events", src: webhook, dst: "intake", mode: "push" });
  expect(mesh).not.toHaveInstance("sink");
});

test("a plug the mesh does not have", () => {
  expect(mesh).toHavePlug({ topic: "events", src: "intake", dst: "siem", mode: "pull" });
});

test("a mesh in the test's own cdktf App (jest's copy of cdktf)", async () => {
  const app = new App({ outdir: "app-out" });
  const own = new MeshStack(app, "own", { project: await loadMeshProject(".") });
  new Instance(own, "siem", { product: "sink" });
  expect(own).toHaveInstance("sink");
  app.synth();
});
`;

const TYPED_TEST = `/// <reference types="meshroom/testing/jest" />
import { Testing } from "meshroom/testing/jest";
import { MeshStack } from "meshroom/constructs";
declare const mesh: MeshStack;
void Testing;
expect(mesh).toHaveInstance("intake", { port: 0 });
expect(mesh).not.toHavePlug({ topic: "events", src: "webhook", dst: "intake", mode: "push" });
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "meshroom-jest-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mesh-tests", private: true, type: "module" }, null, 2));
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", JEST, ...TYPES], { timeout: 1_200_000 });
  if (install.exitCode !== 0) throw new Error(`npm install ${JEST} failed: ${install.stderr}`);
  // meshroom as an installed package would resolve (the code-mesh package test covers the tarball)
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules", "meshroom"), "dir");
  for (const pkg of ["cdktf", "constructs"]) symlinkSync(join(REPO, "node_modules", pkg), join(dir, "node_modules", pkg), "dir");
  for (const d of ["products", "lib"]) cpSync(join(QUICKSTART, d), join(dir, d), { recursive: true, dereference: true });
  cpSync(join(QUICKSTART, "meshroom.yaml"), join(dir, "meshroom.yaml"));
  writeFileSync(join(dir, "jest.config.mjs"), 'export default { testEnvironment: "node", transform: {}, setupFilesAfterEnv: ["meshroom/testing/jest"] };\n');
}, 1_500_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("meshroom/testing/jest in a jest project", () => {
  it("registers the matchers: one passes, one fails showing what the stack has", async () => {
    writeFileSync(join(dir, "mesh.test.mjs"), MESH_TEST);
    const r = await run(join(dir, "node_modules/.bin/jest"), ["--ci", "mesh.test.mjs"]);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, out).toBe(1);
    expect(out).toMatch(/✓ what the mesh has/);
    expect(out).toMatch(/✕ a plug the mesh does not have/);
    expect(out).toMatch(/✓ a mesh in the test's own cdktf App/);
    expect(out).toContain("Tests:       1 failed, 2 passed, 3 total");
    // the failure says what was wanted and lists the plugs the stack has
    expect(out).toContain("expected a plug intake -[events pull]-> siem; the stack has:");
    expect(out).toContain("webhook -[events push]-> intake");
  }, 300_000);

  it("gives jest users the matchers' types (no vitest in the project), and tsc refuses a wrong query", async () => {
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", types: ["jest"], skipLibCheck: true }, files: ["typed.test.ts"] };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    writeFileSync(join(dir, "typed.test.ts"), TYPED_TEST);
    const good = await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."]);
    expect(good.exitCode, String(good.stdout)).toBe(0);
    writeFileSync(join(dir, "typed.test.ts"), TYPED_TEST.replace('{ topic: "events", src: "webhook"', '{ topic: 7, src: "webhook"'));
    const bad = await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/typed\.test\.ts\(7,.*Type 'number' is not assignable to type 'string'/);
    // without meshroom/testing/jest, jest's Matchers have no toHaveInstance
    writeFileSync(join(dir, "typed.test.ts"), TYPED_TEST.replace('/// <reference types="meshroom/testing/jest" />\n', "").replace('import { Testing } from "meshroom/testing/jest";', 'import { Testing } from "meshroom/testing";'));
    const none = await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."]);
    expect(none.stdout).toContain("Property 'toHaveInstance' does not exist");
  }, 300_000);
});
