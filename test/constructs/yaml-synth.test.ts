import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { Testing } from "../../constructs/index.js";
import { loadMeshProject, synthYamlProject, yamlMeshStack } from "../../stacks/index.js";
import { desiredResources, parseDesiredDocument, projectToDocument } from "../../src/synth/index.js";

import { QUICKSTART, REPO, exampleCopy } from "./fixture.js";
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("a YAML project through the constructs", () => {
  it("synthesizes the quickstart into cdktf's layout with instances, plugs and edges", async () => {
    const out = mkdtempSync(join(tmpdir(), "meshroom-yaml-synth-"));
    tmp.push(out);
    const { file } = await synthYamlProject(QUICKSTART, out);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    expect(manifest.stacks.mesh?.synthesizedStackPath).toBe("stacks/mesh/cdk.tf.json");
    const doc = parseDesiredDocument(readFileSync(file, "utf8"), file);
    expect(Object.keys(doc.resource?.meshroom_instance ?? {}).sort()).toEqual(["intake", "siem", "webhook"]);
    const plugs = doc.resource?.meshroom_plug ?? {};
    expect(Object.keys(plugs).sort()).toEqual(["intake-siem-events-pull", "webhook-intake-events-push"]);
    expect(plugs["webhook-intake-events-push"]?.depends_on).toEqual(["meshroom_instance.webhook", "meshroom_instance.intake"]);
    expect(plugs["intake-siem-events-pull"]?.owner).toBe("both");
    expect(doc["//"].metadata.backend).toBe("meshroom");
    expect(doc).not.toHaveProperty("provider");
    expect(doc.terraform).toEqual({ required_providers: {} }); // no backend; the cdktf CLI wants the key
    const edges = desiredResources(doc).filter((r) => r.type === "meshroom_plug").map((r) => r.dependencies);
    expect(edges).toContainEqual(["instance.intake", "instance.webhook"]);
  });

  it("gives the same document as the engine's direct builder (projectToDocument)", async () => {
    const project = await loadMeshProject(QUICKSTART);
    const stack = yamlMeshStack(Testing.app(), project);
    const { terraform, ...rest } = Testing.synthMesh(stack);
    expect(terraform).toEqual({ required_providers: {} });
    expect(rest).toEqual(parseDesiredDocument(projectToDocument(project.project)));
  });

  it("`meshroom synth --cdktf-app` acts as the project's cdktf app: writes into $CDKTF_OUTDIR, prints nothing", async () => {
    const fx = exampleCopy(QUICKSTART);
    tmp.push(fx.dir);
    const out = join(fx.dir, "elsewhere");
    const r = await execa("node", [join(REPO, "bin/meshroom.js"), "synth", "--cdktf-app"], { cwd: fx.dir, env: { CDKTF_OUTDIR: out } });
    expect(r.stdout).toBe("");
    const doc = parseDesiredDocument(readFileSync(join(out, "stacks/mesh/cdk.tf.json"), "utf8"));
    expect(Object.keys(doc.resource?.meshroom_plug ?? {})).toHaveLength(2);
  });
});
