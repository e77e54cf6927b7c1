import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { desiredDocumentFor } from "../../src/engine/deploy/desired-source.js";
import { synthProject } from "../../src/engine/deploy/synth-project.js";
import { plan } from "../../src/plan/index.js";
import { desiredResources } from "../../src/synth/index.js";
import { synthYamlProject } from "../../stacks/index.js";
import { QUICKSTART, REPO, useCodeMeshCopy } from "./fixture.js";

const fx = useCodeMeshCopy();

describe("examples/code-mesh (constructs + generated bindings)", () => {
  it("synthesizes, by running its cdktf app, the same document as the YAML quickstart, hence the same plan", async () => {
    const code = await synthProject(fx.dir, { outdir: join(fx.dir, "out") });
    expect(code.source).toBe("app");
    expect(code.stack).toBe("soc");
    const yaml = await synthYamlProject(QUICKSTART, join(fx.dir, "yaml-out"));
    const yamlDoc = JSON.parse(readFileSync(yaml.file, "utf8")) as unknown;
    expect(code.document).toEqual(yamlDoc);
    expect(Object.keys(code.document.resource?.meshroom_plug ?? {}).sort()).toEqual(["intake-siem-events-pull", "webhook-intake-events-push"]);
    // what plan/apply read (desiredDocumentFor runs the app too) plans exactly like the YAML mesh
    const viaEngine = await desiredDocumentFor(fx.dir);
    const prior = { lineage: null, serial: 0, resources: [] };
    const strip = (p: ReturnType<typeof plan>) => JSON.parse(JSON.stringify(p)) as unknown;
    expect(strip(plan(desiredResources(viaEngine), prior))).toEqual(strip(plan(desiredResources(await desiredDocumentFor(QUICKSTART)), prior)));
  }, 120_000);

  it("type-checks with the generated classes, and a wrong setting name or type does not", async () => {
    writeFileSync(join(fx.dir, "wrong.ts"), [
      'import { App, TerraformStack } from "cdktf";',
      'import { IntakeInstance } from "./.gen/providers/meshroom/intake-instance/index.js";',
      'const stack = new TerraformStack(new App(), "s");',
      'new IntakeInstance(stack, "a", { prot: 8514 });',
      'new IntakeInstance(stack, "b", { port: "8514" });',
      "",
    ].join("\n"));
    const tsconfig = JSON.parse(readFileSync(join(fx.dir, "tsconfig.json"), "utf8")) as { include: string[] };
    tsconfig.include.push("wrong.ts");
    writeFileSync(join(fx.dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = await execa(join(REPO, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: fx.dir, reject: false });
    const errors = r.stdout.split("\n").filter((l) => /error TS/.test(l));
    expect(errors.some((l) => l.startsWith("wrong.ts(4,") && l.includes("'prot' does not exist"))).toBe(true);
    expect(errors.some((l) => l.startsWith("wrong.ts(5,") && l.includes("TS2322"))).toBe(true);
    expect(errors.filter((l) => !l.startsWith("wrong.ts("))).toEqual([]); // main.ts and .gen/ are fine
  }, 120_000);
});
