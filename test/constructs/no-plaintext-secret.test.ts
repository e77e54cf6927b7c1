import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { App } from "cdktf";
import { Instance, MeshStack, Secret } from "../../constructs/index.js";
import { buildCapabilityGraph } from "../../src/capabilities/index.js";
import { synthProject } from "../../src/engine/deploy/synth-project.js";
import { MeshroomError } from "../../src/errors/index.js";
import { normalizeProduct } from "../../src/model/index.js";
import { CODE_MESH, exampleCopy } from "./fixture.js";

/** No synth output, JSON or HCL, in-process or through the code mesh's app, ever holds a secret's value. */
const vault = normalizeProduct("vault", "/p/vault", { settings: [{ name: "API_KEY", secret: true }, { name: "url" }] });
const project = { graph: buildCapabilityGraph({ products: [vault], integrations: [], hooks: [] }) };

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function synth(hclOutput: boolean, apiKey: string): { outdir: string; error: unknown } {
  const outdir = mkdtempSync(join(tmpdir(), "meshroom-secret-"));
  const app = new App({ outdir, hclOutput, stackTraces: false });
  const mesh = new MeshStack(app, "soc", { project });
  new Instance(mesh, "v", { product: "vault", settings: { url: "https://v", API_KEY: apiKey } });
  try {
    app.synth();
    return { outdir, error: undefined };
  } catch (e) {
    return { outdir, error: e };
  }
}

describe("no plaintext secret in any synth output", () => {
  for (const hcl of [false, true]) {
    it(`refuses a secret given as a value (${hcl ? "cdktf synth --hcl" : "cdktf synth"}) and writes nothing holding it`, () => {
      const { outdir, error } = synth(hcl, "hunter2");
      try {
        expect(error).toBeInstanceOf(MeshroomError);
        expect((error as MeshroomError).message).toMatch(/^soc\/v: secret setting API_KEY is written in clear; give it as Secret\.fromStore\("API_KEY"\)/);
        for (const f of filesUnder(outdir)) expect(readFileSync(f, "utf8"), f).not.toContain("hunter2");
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  }

  it("refuses --hcl even for a mesh without problems (HCL would leave out the plugs and the secret references)", () => {
    const { outdir, error } = synth(true, Secret.fromStore("API_KEY"));
    try {
      expect(error).toBeInstanceOf(MeshroomError);
      expect((error as MeshroomError).message).toBe("a meshroom mesh has no HCL form: `cdktf synth --hcl` is not supported");
      expect(filesUnder(outdir).filter((f) => f.endsWith("cdk.tf"))).toEqual([]);
      expect(JSON.parse(readFileSync(join(outdir, "meshroom-errors.json"), "utf8"))).toMatchObject({ code: "E_USAGE" });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("meshroom synth of a code mesh refuses a secret in clear and writes no file holding it", async () => {
    const fx = exampleCopy(CODE_MESH);
    try {
      mkdirSync(join(fx.dir, "products/vault"));
      writeFileSync(join(fx.dir, "products/vault/definition.yaml"), "name: vault\nsettings:\n  - { name: API_KEY, secret: true }\n");
      writeFileSync(join(fx.dir, "main.ts"), [
        'import { App } from "cdktf";',
        'import { Instance, MeshStack } from "meshroom/constructs";',
        'import { loadMeshProject } from "meshroom/stacks";',
        "const app = new App();",
        'const mesh = new MeshStack(app, "soc", { project: await loadMeshProject(import.meta.dirname) });',
        'new Instance(mesh, "v", { product: "vault", settings: { API_KEY: "hunter2" } });',
        "app.synth();",
        "",
      ].join("\n"));
      const err = await synthProject(fx.dir).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MeshroomError);
      expect((err as MeshroomError).message).toMatch(/^soc\/v: secret setting API_KEY is written in clear/);
      for (const f of filesUnder(join(fx.dir, "cdktf.out"))) expect(readFileSync(f, "utf8"), f).not.toContain("hunter2");
    } finally {
      fx.dispose();
    }
  }, 120_000);
});
