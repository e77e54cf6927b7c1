import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Construct } from "constructs";
import { Instance, MeshStack, Testing } from "../../constructs/index.js";
import { generateBindings } from "../../src/engine/deploy/generate-bindings.js";
import { thrownMeshroomError } from "../support/thrown.js";
import { loadProjectWithDiagnostics } from "../../src/project/load.js";
import { loadCatalogProject } from "../../stacks/index.js";

/**
 * One corpus of bad inputs (test/fixtures/bad-mesh-inputs.json), refused the same way by a YAML
 * project, by a code mesh's `Instance` and by a class from `meshroom get`: same rules broken,
 * on the same settings, with the same summaries.
 */
interface Case { title: string; name: string; settings: Record<string, unknown>; token?: string; refused: [string, string][] }
const corpus = JSON.parse(readFileSync(resolve(import.meta.dirname, "../fixtures/bad-mesh-inputs.json"), "utf8")) as {
  product: { name: string };
  cases: Case[];
};
const REPO = resolve(import.meta.dirname, "../..");

type Binding = new (scope: Construct, id: string, config: Record<string, unknown>) => Construct & { port: number };
let dir: string;
let Bound: Binding;
let propertyOf: Map<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "meshroom-corpus-"));
  mkdirSync(join(dir, "products", corpus.product.name), { recursive: true });
  mkdirSync(join(dir, "instances"));
  writeFileSync(join(dir, "products", corpus.product.name, "definition.yaml"), JSON.stringify(corpus.product));
  await generateBindings(dir);
  mkdirSync(join(dir, "node_modules"));
  for (const pkg of ["cdktf", "constructs"]) symlinkSync(join(REPO, "node_modules", pkg), join(dir, "node_modules", pkg), "dir");
  const mod = (await import(pathToFileURL(join(dir, ".gen/providers/meshroom/siem-local-instance/index.ts")).href)) as { SiemLocalInstance: Binding };
  Bound = mod.SiemLocalInstance;
  const probe = new Bound(new MeshStack(Testing.app(), "probe", { project: await loadCatalogProject(dir) }), "probe", {});
  const mark = (probe as unknown as Record<symbol, { settings: Record<string, string> }>)[Symbol.for("meshroom/binding")]!;
  propertyOf = new Map(Object.entries(mark.settings).map(([property, setting]) => [setting, property]));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Refusal = { rule: string; setting: string; summary: string };
const sorted = (list: Refusal[]) => [...list].sort((a, b) => `${a.rule}/${a.setting}`.localeCompare(`${b.rule}/${b.setting}`));

async function yamlRefusals(c: Case): Promise<Refusal[]> {
  const instDir = join(dir, "instances", corpus.product.name, c.name);
  mkdirSync(instDir, { recursive: true });
  writeFileSync(join(instDir, "config.yaml"), JSON.stringify({ settings: c.settings }));
  try {
    const { diagnostics } = await loadProjectWithDiagnostics(dir);
    return diagnostics.map((d) => ({
      rule: d.rule ?? "(no rule)",
      setting: d.location?.field?.replace(/^settings\./, "") ?? "",
      summary: d.summary.replace(/; remove it and run .*$/, ""),
    }));
  } finally {
    rmSync(join(dir, "instances", corpus.product.name), { recursive: true, force: true });
  }
}

async function codeRefusals(c: Case, kind: "Instance" | "binding"): Promise<Refusal[]> {
  const mesh = new MeshStack(Testing.app(), "soc", { project: await loadCatalogProject(dir) });
  const settings: Record<string, unknown> = { ...c.settings };
  if (c.token) settings[c.token] = new Bound(mesh, "other", { port: 1, [propertyOf.get("api_url")!]: "u" }).port;
  if (kind === "Instance") new Instance(mesh, c.name, { product: corpus.product.name, settings });
  else new Bound(mesh, c.name, Object.fromEntries(Object.entries(settings).map(([k, v]) => [propertyOf.get(k) ?? k, v])));
  return mesh.instanceProblems().filter((p) => p.path === `soc/${c.name}`).map(({ problem }) => ({
    rule: problem.rule,
    setting: problem.setting,
    summary: problem.summary.replace(/; give it as Secret\.fromStore.*$/, ""),
  }));
}

describe("one corpus of bad inputs, refused alike by a YAML project and by a code mesh", () => {
  for (const c of corpus.cases) {
    it(c.title, async () => {
      const expected = c.refused.map(([rule, setting]) => ({ rule, setting }));
      const instance = await codeRefusals(c, "Instance");
      const binding = await codeRefusals(c, "binding");
      expect(sorted(instance).map(({ rule, setting }) => ({ rule, setting }))).toEqual(sorted(expected as Refusal[]));
      expect(sorted(binding)).toEqual(sorted(instance));
      if (c.token) {
        expect(instance[0]?.summary).toContain("${meshroom_siem_local_instance.other.port}");
        return; // a token has no YAML form
      }
      const yaml = await yamlRefusals(c);
      // the YAML loader words a bad instance folder its own way; the rule is the same
      const comparable = (l: Refusal[]) => sorted(l).map((r) => (r.rule === "bad-name" ? { ...r, summary: "" } : r));
      expect(comparable(yaml)).toEqual(comparable(instance));
    });
  }

  it("stops synth with the CLI's error, naming the construct path and the setting", async () => {
    const mesh = new MeshStack(Testing.app(), "soc", { project: await loadCatalogProject(dir) });
    new Bound(mesh, "siem", { port: 1, apiUrl: "u", verifyTls: "no" });
    expect(thrownMeshroomError(() => Testing.synthMesh(mesh)).message).toBe('soc/siem: setting verify_tls: expected a boolean, got the string "no" (field `settings.verify_tls`)');
  });
});
