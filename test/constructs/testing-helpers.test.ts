import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it, vi } from "vitest";
import { Instance, MeshStack, Plug, Secret, Testing } from "../../constructs/index.js";
import { meshMatchers, type MeshMatchers } from "../../constructs/testing-entry.js";
import { buildCapabilityGraph } from "../../src/capabilities/index.js";
import { normalizeProduct } from "../../src/model/index.js";
import { thrownMeshroomError } from "../support/thrown.js";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Assertion<T> extends MeshMatchers<T> {}
}
expect.extend(meshMatchers);

const REPO = resolve(import.meta.dirname, "../..");
const siem = normalizeProduct("siem_local", "/p/siem_local", { settings: [{ name: "port", type: "integer" }, { name: "api_key" }], consumes: { events: [{}] } });
const edr = normalizeProduct("myedr", "/p/myedr", { produces: { events: [{}] } });
const project = { graph: buildCapabilityGraph({ products: [siem, edr], integrations: [], hooks: [] }) };

function mesh(): { m: MeshStack; s: Instance; e: Instance } {
  const m = new MeshStack(Testing.app(), "soc", { project });
  const s = new Instance(m, "siem", { product: "siem_local", settings: { port: 8514, api_key: Secret.fromStore("api_key") } });
  const e = new Instance(m, "edr", { product: "myedr" });
  new Plug(m, "p", { topic: "events", src: e, dst: s, resolved: { mode: "push", kind: "data", owner: "both" } });
  return { m, s, e };
}

describe("meshroom/testing matchers", () => {
  it("match instances by product and settings, plugs by topic, ends and mode", () => {
    const { m, s, e } = mesh();
    expect(m).toHaveInstance("siem_local", { port: 8514 });
    expect(m).toHaveInstance("myedr");
    expect(m).not.toHaveInstance("siem_local", { port: 1 });
    expect(m).toHavePlug({ topic: "events", src: e, dst: s, mode: "push" });
    expect(Testing.synthMesh(m)).toHavePlug({ topic: "events", src: "edr", dst: "siem" });
    expect(m).not.toHavePlug({ topic: "events", src: "edr", dst: "siem", mode: "pull" });
  });

  it("say what the stack has when they fail", () => {
    const { m } = mesh();
    expect(() => expect(m).toHaveInstance("siem_local", { port: 1 })).toThrow(
      'expected an instance of siem_local with settings {"port":1}; the stack has:\n  edr (myedr) {}\n  siem (siem_local) {"port":8514}',
    );
    expect(() => expect(m).toHavePlug({ topic: "alerts", src: "edr", dst: "siem" })).toThrow(
      "expected a plug edr -[alerts]-> siem; the stack has:\n  edr -[events push]-> siem",
    );
  });
});

describe("meshroom/testing/jest", () => {
  it("registers the matchers with the global expect of the environment that loads it (jest's setup file)", async () => {
    const g = globalThis as { expect?: unknown };
    const before = g.expect;
    const extend = vi.fn();
    g.expect = { extend };
    try {
      const entry = await import("../../constructs/testing-jest.js");
      expect(entry.meshMatchers).toBe(meshMatchers);
    } finally {
      g.expect = before;
    }
    expect(extend).toHaveBeenCalledExactlyOnceWith(meshMatchers);
  });
});

describe("Testing and the diagnostics of a code mesh", () => {
  it("Testing.app() output directories are removed when the process exits", async () => {
    const r = await execa(process.execPath, ["--input-type=module", "-e",
      `import { Testing } from ${JSON.stringify(join(REPO, "dist/constructs/testing-entry.js"))}; console.log(Testing.app().outdir);`]);
    const dir = String(r.stdout).trim();
    expect(dir).toContain("meshroom-synth-");
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it("a string given as a plug end is the CLI's usage error, not a TypeError", () => {
    const { m, s } = mesh();
    new Plug(m, "bad", { topic: "events", src: "edr" as never, dst: s });
    const e = thrownMeshroomError(() => Testing.synthMesh(m));
    expect(e.code).toBe("E_USAGE");
    expect(e.message).toBe('soc/bad: src is the string "edr", not an instance construct');
  });

  it("run as a cdktf app, a mesh with problems ends with the CLI's diagnostics, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshroom-app-"));
    try {
      const dist = (f: string) => JSON.stringify(join(REPO, "dist", f));
      writeFileSync(join(dir, "app.mjs"), [
        `import cdktf from ${JSON.stringify(join(REPO, "node_modules/cdktf/lib/index.js"))};`,
        `import { Instance, MeshStack } from ${dist("constructs/index.js")};`,
        `import { buildCapabilityGraph } from ${dist("src/capabilities/index.js")};`,
        `import { normalizeProduct } from ${dist("src/model/index.js")};`,
        'const p = normalizeProduct("sink", "/p/sink", { settings: [{ name: "port", type: "integer" }] });',
        "const app = new cdktf.App();",
        'const m = new MeshStack(app, "soc", { project: { graph: buildCapabilityGraph({ products: [p], integrations: [], hooks: [] }) } });',
        'new Instance(m, "s", { product: "sink", settings: { prot: 1 } });',
        "app.synth();",
        "",
      ].join("\n"));
      const r = await execa(process.execPath, ["app.mjs"], { cwd: dir, env: { CDKTF_OUTDIR: join(dir, "out") }, reject: false });
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toBe('meshroom: soc/s: unknown setting "prot" for product sink (known: port) (field `settings.prot`)');
      expect(existsSync(join(dir, "out/meshroom-errors.json"))).toBe(true);
      // an error before synth (here: no project where loadMeshProject looks) is the CLI's too
      writeFileSync(join(dir, "early.mjs"), [
        `import { loadMeshProject } from ${dist("stacks/index.js")};`,
        'await loadMeshProject("./nowhere");',
        "",
      ].join("\n"));
      const early = await execa(process.execPath, ["early.mjs"], { cwd: dir, env: { CDKTF_OUTDIR: join(dir, "out2") }, reject: false });
      expect(early.exitCode).toBe(1);
      expect(String(early.stderr)).toMatch(/^meshroom: .*nowhere is not a meshroom project\ncreate one with `meshroom init <path>`/);
      expect(String(early.stderr)).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
