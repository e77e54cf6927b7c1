import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { execa, type Options } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The whole path of a code mesh outside this repository, as a user takes it: `meshroom init
 * --code` (which packs this meshroom into the project's vendor/), `npm install` (the npm
 * registry for cdktf, constructs, jiti, typescript; meshroom from the tarball, never from the
 * registry, where `meshroom` is another project), then with the installed meshroom: `get`,
 * `npx tsc`, `synth`, `plan`, `meshroom/testing` from plain node, and the real `cdktf synth`.
 */
const REPO = resolve(import.meta.dirname, "../..");
const QUICKSTART = join(REPO, "examples/quickstart");
let base: string;
let dir: string;
const env = { CHECKPOINT_DISABLE: "1", CI: "1", NO_COLOR: "1" };
const run = (file: string, args: string[], opts: Options = {}) => execa(file, args, { cwd: dir, env, timeout: 600_000, ...opts });
const installed = (...args: string[]) => run(join(dir, "node_modules/.bin/meshroom"), args);

const MAIN_TS = `import { App } from "cdktf";
import { MeshStack, Plug } from "meshroom/constructs";
import { loadMeshProject } from "meshroom/stacks";
import { IntakeInstance } from "./.gen/providers/meshroom/intake-instance/index.js";
import { SinkInstance } from "./.gen/providers/meshroom/sink-instance/index.js";
import { WebhookSourceInstance } from "./.gen/providers/meshroom/webhook-source-instance/index.js";

const app = new App();
const mesh = new MeshStack(app, "mesh", { project: await loadMeshProject(".") });
const intake = new IntakeInstance(mesh, "intake", { port: 0, maxBody: 1048576 });
const siem = new SinkInstance(mesh, "siem", {});
const webhook = new WebhookSourceInstance(mesh, "webhook", {});
new Plug(mesh, "webhook-to-intake", { topic: "events", src: webhook, dst: intake, mode: "push" });
new Plug(mesh, "intake-to-siem", { topic: "events", src: intake, dst: siem, mode: "pull" });
app.synth();
`;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "meshroom-package-"));
  dir = join(base, "mesh");
  await execa(process.execPath, [join(REPO, "bin/meshroom.js"), "init", "--code", dir], { env });
  cpSync(join(QUICKSTART, "products"), join(dir, "products"), { recursive: true, dereference: true });
  cpSync(join(QUICKSTART, "lib"), join(dir, "lib"), { recursive: true, dereference: true });
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { timeout: 1_200_000 });
}, 1_500_000);
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("a code-mesh project outside the repository, meshroom installed from its tarball", () => {
  it("has meshroom from vendor/, not from the registry", () => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.meshroom).toMatch(/^file:vendor\/meshroom-.+\.tgz$/);
    const lock = readFileSync(join(dir, "package-lock.json"), "utf8");
    expect(lock).not.toContain("registry.npmjs.org/meshroom/");
    expect(existsSync(join(dir, "node_modules/meshroom/dist/constructs/index.js"))).toBe(true);
  });

  it("gets bindings, type-checks, synthesizes, plans; and tsc catches a wrong setting", async () => {
    await installed("get");
    writeFileSync(join(dir, "main.ts"), MAIN_TS);
    await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."]);
    const synth = await installed("synth", "--json");
    const doc = JSON.parse(String(synth.stdout)) as { resource: { meshroom_instance: object; meshroom_plug: object } };
    expect(Object.keys(doc.resource.meshroom_instance).sort()).toEqual(["intake", "siem", "webhook"]);
    expect(Object.keys(doc.resource.meshroom_plug).sort()).toEqual(["intake-siem-events-pull", "webhook-intake-events-push"]);
    const plan = await installed("plan", "--no-color");
    expect(plan.stdout).toMatch(/5 to add, 0 to change, 0 to destroy/);
    writeFileSync(join(dir, "main.ts"), MAIN_TS.replace("maxBody: 1048576", 'maxBody: "big"'));
    const tsc = await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."], { reject: false });
    expect(tsc.exitCode).not.toBe(0);
    expect(tsc.stdout).toContain("main.ts(");
    const refused = await installed("synth").then(() => undefined, (e: { stderr: string }) => e.stderr);
    expect(refused).toContain('mesh/intake: setting max_body: expected an integer, got the string "big"');
    writeFileSync(join(dir, "main.ts"), MAIN_TS);
  }, 600_000);

  it("serves meshroom/testing to the project's own tests (matchers and Testing.synthMesh)", async () => {
    writeFileSync(join(dir, "check.mjs"), [
      'import { App } from "cdktf";',
      'import { MeshStack, Instance, Testing } from "meshroom/constructs";',
      'import { loadMeshProject } from "meshroom/stacks";',
      'import { meshMatchers } from "meshroom/testing";',
      'const mesh = new MeshStack(Testing.app(), "mesh", { project: await loadMeshProject(".") });',
      'new Instance(mesh, "siem", { product: "sink" });',
      "const doc = Testing.synthMesh(mesh);",
      'const r = meshMatchers.toHaveInstance.call({ isNot: false }, doc, "sink", {});',
      "if (!r.pass) throw new Error(r.message());",
      'console.log("ok");',
      "",
    ].join("\n"));
    expect((await run(process.execPath, ["check.mjs"])).stdout).toBe("ok");
  }, 120_000);

  it("cdktf synth (cdktf-cli 0.21.0, no terraform) writes the same document", async () => {
    await installed("get");
    const path = (process.env.PATH ?? "").split(delimiter).filter((d) => d && !existsSync(join(d, "terraform"))).join(delimiter);
    await run("npx", ["--yes", "-p", "cdktf-cli@0.21.0", "cdktf", "synth"], { env: { ...env, PATH: path }, timeout: 1_200_000 });
    const viaCdktf = readFileSync(join(dir, "cdktf.out/stacks/mesh/cdk.tf.json"), "utf8");
    const viaMeshroom = (await installed("synth", "--json")).stdout;
    expect(JSON.parse(viaCdktf)).toEqual(JSON.parse(String(viaMeshroom)));
    const hcl = await run("npx", ["--yes", "-p", "cdktf-cli@0.21.0", "cdktf", "synth", "--hcl"], { env: { ...env, PATH: path }, reject: false });
    expect(hcl.exitCode).not.toBe(0);
    expect(`${hcl.stdout}\n${hcl.stderr}`).toContain("a meshroom mesh has no HCL form");
  }, 1_500_000);
});
