import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Instance, MeshStack, Plug, Testing } from "../../constructs/index.js";
import { resolvePlug } from "../../src/capabilities/index.js";
import { MeshroomError } from "../../src/errors/index.js";
import { synthProject } from "../../src/engine/deploy/synth-project.js";
import { loadMeshProject } from "../../stacks/index.js";
import { thrownMeshroomError } from "../support/thrown.js";
import { CODE_MESH, QUICKSTART, exampleCopy } from "./fixture.js";

/** What `meshroom plug events webhook siem` says: the same resolution, on the same graph. */
async function cliError(): Promise<MeshroomError> {
  const { graph } = await loadMeshProject(QUICKSTART);
  try {
    resolvePlug(graph, { topic: "events", src: { name: "webhook", product: "webhook_source" }, dst: { name: "siem", product: "sink" }, existing: [] });
  } catch (e) {
    if (e instanceof MeshroomError) return e;
    throw e;
  }
  throw new Error("expected the plug to be impossible");
}

describe("an impossible plug in a code mesh", () => {
  it("fails Testing.synthMesh with the CLI's error, message and suggestions", async () => {
    const expected = await cliError();
    expect(expected.code).toBe("E_NO_INTEGRATION");
    const mesh = new MeshStack(Testing.app(), "soc", { project: await loadMeshProject(QUICKSTART) });
    const webhook = new Instance(mesh, "webhook", { product: "webhook_source" });
    const siem = new Instance(mesh, "siem", { product: mesh.product("sink") });
    new Plug(mesh, "direct", { topic: "events", src: webhook, dst: siem });
    const caught = thrownMeshroomError(() => Testing.synthMesh(mesh));
    expect(caught.code).toBe("E_NO_INTEGRATION");
    expect(caught.message).toBe(expected.message);
    expect(caught.detail).toBe(expected.detail);
    expect(expected.detail).toContain("meshroom create integration");
  });

  it("fails the code mesh's own cdktf app (what `cdktf synth` and `meshroom synth` run) with that message", async () => {
    const expected = await cliError();
    const fx = exampleCopy(CODE_MESH);
    try {
      writeFileSync(join(fx.dir, "main.ts"), [
        'import { App } from "cdktf";',
        'import { Instance, MeshStack, Plug } from "meshroom/constructs";',
        'import { loadMeshProject } from "meshroom/stacks";',
        "const app = new App();",
        'const mesh = new MeshStack(app, "soc", { project: await loadMeshProject(import.meta.dirname) });',
        'const webhook = new Instance(mesh, "webhook", { product: "webhook_source" });',
        'const siem = new Instance(mesh, "siem", { product: "sink" });',
        'new Plug(mesh, "direct", { topic: "events", src: webhook, dst: siem });',
        "app.synth();",
        "",
      ].join("\n"));
      const err = await synthProject(fx.dir).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MeshroomError);
      expect((err as MeshroomError).code).toBe("E_NO_INTEGRATION");
      expect((err as MeshroomError).message).toBe(expected.message);
      expect((err as MeshroomError).detail).toBe(expected.detail);
    } finally {
      fx.dispose();
    }
  }, 120_000);
});
