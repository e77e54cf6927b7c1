import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Diagnostic, MeshroomError } from "../../src/errors/index.js";
import { loadProject, loadProjectWithDiagnostics } from "../../src/project/load.js";
import { MAX_MANIFEST_BYTES, MAX_YAML_DEPTH } from "../../src/project/yaml-file.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject, snapshotDir } from "./helpers.js";

async function diagsOf(root: string): Promise<Diagnostic[]> {
  return (await loadProjectWithDiagnostics(root)).diagnostics;
}

function find(ds: Diagnostic[], file: string, re: RegExp): Diagnostic {
  const d = ds.find((x) => x.location?.file === file && re.test(x.summary));
  if (!d) throw new Error(`no diagnostic on ${file} matching ${re}; got:\n${JSON.stringify(ds, null, 2)}`);
  return d;
}

const VALID = {
  "products/myedr/definition.yaml": EDR_DEFINITION,
  "products/mysiem/definition.yaml": SIEM_DEFINITION,
  "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "topic: events\nrole: producer\nformat: ecs\n",
  "products/myedr/integrations/mysiem/events_producer_ecs.ts": "// hooks\n",
  "instances/myedr/edr1/config.yaml": "settings:\n  API_URL: https://edr\n",
  "instances/mysiem/siem1/config.yaml": "settings: {}\n",
  "instances/myedr/edr1/plugs/siem1/events.yaml": "kind: data\nowner: both\nformat: ecs\n",
};

describe("loading a valid project", () => {
  it("loads products, integrations (with their hooks file), instances and plugs", async () => {
    const root = makeProject(VALID);
    const { project, diagnostics } = await loadProjectWithDiagnostics(root);
    expect(diagnostics).toEqual([]);
    expect([...project.products.keys()]).toEqual(["myedr", "mysiem"]);
    const edr = project.products.get("myedr")!;
    expect(edr.capabilities).toEqual([
      { product: "myedr", role: "producer", topic: "events", mode: "push", format: "ecs" },
      { product: "myedr", role: "consumer", topic: "iocs", mode: "push" },
    ]);
    expect(edr.settings.find((s) => s.name === "API_KEY")?.secret).toBe(true);
    expect(project.integrations).toHaveLength(1);
    expect(project.integrations[0]).toMatchObject({ product: "myedr", target: "mysiem", topic: "events", role: "producer", format: "ecs", mode: "push" });
    expect(project.integrations[0]!.hooksFile).toMatch(/events_producer_ecs\.ts$/);
    expect(project.instances.get("edr1")).toMatchObject({ product: "myedr", settings: { API_URL: "https://edr" } });
    expect(project.plugs).toEqual([expect.objectContaining({ src: "edr1", dst: "siem1", topic: "events", mode: "push", format: "ecs", kind: "data", owner: "both" })]);
  });

  it("reads .yml integration and plug files too", async () => {
    const root2 = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "products/mysiem/definition.yaml": SIEM_DEFINITION,
      "products/myedr/integrations/mysiem/events_producer_ecs_pull.yml": "description: pulled\n",
      "instances/myedr/edr1/config.yaml": "settings:\n  API_URL: https://edr\n",
      "instances/mysiem/siem1/config.yaml": "{}\n",
      "instances/mysiem/siem1/plugs/edr1/events_pull.yml": "kind: data\nowner: siem1\n",
    });
    const { project, diagnostics } = await loadProjectWithDiagnostics(root2);
    expect(diagnostics).toEqual([]);
    expect(project.integrations[0]).toMatchObject({ topic: "events", role: "producer", format: "ecs", mode: "pull", description: "pulled" });
    expect(project.plugs[0]).toMatchObject({ src: "siem1", dst: "edr1", topic: "events", mode: "pull", owner: "siem1" });
  });

  it("applies nothing and writes nothing while loading", async () => {
    const root = makeProject(VALID);
    const before = snapshotDir(root);
    await loadProject(root);
    expect(snapshotDir(root)).toEqual(before);
  });
});

describe("loader diagnostics", () => {
  it("refuses a directory that is not a project", async () => {
    const root = makeProject();
    rmSync(`${root}/meshroom.yaml`);
    rmSync(`${root}/instances`, { recursive: true });
    await expect(loadProjectWithDiagnostics(root)).rejects.toThrow(expect.objectContaining({ code: "E_NOT_PROJECT" }));
  });

  it("reports every problem at once, each with file, line, column and field", async () => {
    const root = makeProject({
      // unknown field + wrong type
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "products/other/definition.yaml": SIEM_DEFINITION + "colour: blue\ntags_extra: 1\n",
      "products/bad/definition.yaml": "name: bad\ntags: EDR\nsettings:\n  - name: x\n    type: text\n",
      // YAML syntax error
      "products/broken/definition.yaml": "name: broken\nproduces:\n  events: [{ format: ecs }\n",
      "products/mysiem/definition.yaml": SIEM_DEFINITION,
      // duplicate instance name across products
      "instances/myedr/dup/config.yaml": "settings:\n  API_URL: https://a\n",
      "instances/mysiem/dup/config.yaml": "settings: {}\n",
      // instance of an unknown product
      "instances/ghost/g1/config.yaml": "settings: {}\n",
      // secret in clear + required missing + wrong type
      "instances/myedr/edr2/config.yaml": "# edr two\nsettings:\n  API_KEY: hunter2\n  port: \"8443\"\n",
      // integration whose YAML disagrees with its name
      "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "topic: alerts\nrole: consumer\nmode: pull\nformat: ocsf\n",
      // bad integration file name
      "products/myedr/integrations/mysiem/events.yaml": "{}\n",
      // plug to a missing instance
      "instances/myedr/dup/plugs/nobody/events.yaml": "kind: data\nowner: both\n",
      // binary file in place of YAML
      "instances/mysiem/bin1/config.yaml": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff]),
      // huge file
      "instances/mysiem/huge/config.yaml": "settings:\n" + "  # padding\n".repeat(Math.ceil((MAX_MANIFEST_BYTES + 10) / 12)),
    });
    const ds = await diagsOf(root);

    const colour = find(ds, "products/other/definition.yaml", /^unknown field `colour`$/);
    expect(colour.location).toMatchObject({ line: 5, column: 1, field: "colour" });
    const extra = find(ds, "products/other/definition.yaml", /^unknown field `tags_extra`$/);
    expect(extra.location).toMatchObject({ line: 6, column: 1, field: "tags_extra" });

    const wrongTags = find(ds, "products/bad/definition.yaml", /expected array/i);
    expect(wrongTags.location).toMatchObject({ field: "tags", line: 2, column: 7 });
    const badType = ds.find((d) => d.location?.file === "products/bad/definition.yaml" && d.location.field === "settings.0.type");
    expect(badType?.summary).toMatch(/"string"\|"integer"/);
    expect(badType?.location).toMatchObject({ line: 5, column: 11 });

    const syntax = find(ds, "products/broken/definition.yaml", /YAML syntax error/);
    expect(syntax.location?.line).toBeGreaterThanOrEqual(3);
    expect(syntax.location?.column).toBeGreaterThanOrEqual(1);

    find(ds, "instances/mysiem/dup/config.yaml", /instance name "dup" is used twice \(products myedr and mysiem\)/);
    find(ds, "instances/ghost/g1/config.yaml", /unknown product "ghost"/);

    const secret = find(ds, "instances/myedr/edr2/config.yaml", /secret setting API_KEY is written in clear/);
    expect(secret.location).toMatchObject({ field: "settings.API_KEY", line: 3, column: 12 });
    expect(secret.summary).toContain("meshroom configure <instance> -s API_KEY");
    const required = find(ds, "instances/myedr/edr2/config.yaml", /required setting API_URL is missing/);
    expect(required.location).toMatchObject({ field: "settings.API_URL", line: 3, column: 3 });
    const typed = find(ds, "instances/myedr/edr2/config.yaml", /expected an integer, got the string "8443"/);
    expect(typed.location).toMatchObject({ field: "settings.port", line: 4, column: 9 });

    const integ = "products/myedr/integrations/mysiem/events_producer_ecs.yaml";
    ["topic", "role", "mode", "format"].forEach(async (field, i) => {
      const d = find(ds, integ, new RegExp(`^${field} .* disagrees with the file name`));
      expect(d.location).toMatchObject({ field, line: i + 1, column: field.length + 3 });
    });
    find(ds, "products/myedr/integrations/mysiem/events.yaml", /integration file name must be <topic>_<role>/);

    find(ds, "instances/myedr/dup/plugs/nobody/events.yaml", /plug destination "nobody" is not an instance/);
    find(ds, "instances/mysiem/bin1/config.yaml", /not a YAML file \(binary content\)/);
    find(ds, "instances/mysiem/huge/config.yaml", /file is too large .* limit for a manifest is 1048576/);

    // and loadProject turns all of them into one error
    let err: unknown;
    try {
      await loadProject(root);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MeshroomError);
    expect((err as MeshroomError).code).toBe("E_BAD_MANIFEST");
    expect((err as MeshroomError).diagnostics).toHaveLength(ds.length);
    expect((err as MeshroomError).render()).toContain("products/other/definition.yaml:5:1: unknown field `colour` (field `colour`)");
  });

  it("does not call instances of a product with a broken definition 'of unknown product', and still checks its integrations", async () => {
    const root = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION + "colour: blue\n",
      "products/mysiem/definition.yaml": SIEM_DEFINITION,
      "products/myedr/integrations/mysiem/events_producer.yaml": "role: consumer\n",
      "instances/myedr/e1/config.yaml": "settings: {}\n",
      "instances/mysiem/e1/config.yaml": "settings: {}\n",
    });
    const ds = await diagsOf(root);
    expect(ds.map((d) => d.summary).join("\n")).not.toMatch(/unknown product/);
    find(ds, "products/myedr/integrations/mysiem/events_producer.yaml", /role "consumer" disagrees/);
    find(ds, "instances/mysiem/e1/config.yaml", /used twice/);
  });

  it("locates a nested wrong type on the value's line and column", async () => {
    const root = makeProject({
      "products/p/definition.yaml": "name: p\nproduces:\n  events:\n    - mode: sideways\n",
    });
    const d = find(await diagsOf(root), "products/p/definition.yaml", /push|pull|option/i);
    expect(d.location).toMatchObject({ field: "produces.events.0.mode", line: 4, column: 13 });
  });

  it("refuses nesting deeper than the limit before the parser can exhaust the stack, and accepts it just below", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n) + "\n";
    const root = makeProject({
      "products/flow/definition.yaml": `name: flow\ntags: ${deep(MAX_YAML_DEPTH + 1)}`,
      "products/block/definition.yaml": "tags:\n" + "- ".repeat(20_000) + "x\n",
      "products/huge/definition.yaml": deep(100_000),
      "products/ok/definition.yaml": `description: "[[[[ not nesting"\ntags: ${deep(MAX_YAML_DEPTH - 2)}`,
    });
    const ds = await diagsOf(root);
    expect(find(ds, "products/flow/definition.yaml", /nesting is deeper than 100 levels/).location).toMatchObject({ line: 2 });
    find(ds, "products/block/definition.yaml", /nesting is deeper than 100 levels/);
    find(ds, "products/huge/definition.yaml", /nesting is deeper than 100 levels/);
    // just below the limit it is an ordinary schema error (tags must hold strings), not a depth error
    const ok = ds.filter((d) => d.location?.file === "products/ok/definition.yaml");
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.every((d) => !/nesting/.test(d.summary))).toBe(true);
  });

  it("refuses a file with several YAML documents", async () => {
    const root = makeProject({ "products/p/definition.yaml": "name: p\n---\nname: q\n" });
    expect(find(await diagsOf(root), "products/p/definition.yaml", /multiple documents/).location).toMatchObject({ line: 2, column: 1 });
  });

  it("refuses duplicate keys in a YAML map", async () => {
    const root = makeProject({ "products/p/definition.yaml": "name: p\nname: q\n" });
    const d = find(await diagsOf(root), "products/p/definition.yaml", /YAML syntax error/);
    expect(d.summary).toMatch(/unique|duplicate/i);
    expect(d.location?.line).toBe(2);
  });

  it("refuses an instance of the right product with unknown settings, naming the known ones", async () => {
    const root = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "instances/myedr/e/config.yaml": "settings:\n  API_URL: u\n  colour: red\n",
    });
    const d = find(await diagsOf(root), "instances/myedr/e/config.yaml", /unknown setting "colour"/);
    expect(d.summary).toContain("known: API_URL, port");
    expect(d.summary).not.toContain("API_KEY");
  });

  it("reports folders that break the rules: product without definition, bad names, instance without config", async () => {
    const root = makeProject({
      "products/nodef/hooks.ts": "",
      "products/my edr/definition.yaml": "{}\n",
      "products/ok/definition.yaml": "{}\n",
      "instances/ok/i1/.keep": "",
      "instances/ok/bad name/config.yaml": "{}\n",
    });
    const ds = await diagsOf(root);
    find(ds, "products/nodef", /no definition\.yaml/);
    find(ds, "products/my edr", /invalid product folder name "my edr"/);
    find(ds, "instances/ok/i1/config.yaml", /no config\.yaml/);
    find(ds, "instances/ok/bad name", /invalid instance folder/);
  });

  it("flags an integration that targets an unknown product", async () => {
    const root = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "products/myedr/integrations/nosuch/events_producer.yaml": "{}\n",
    });
    find(await diagsOf(root), "products/myedr/integrations/nosuch/events_producer.yaml", /targets unknown product "nosuch"/);
  });

  it("flags an empty file as valid-but-empty and a scalar document as a wrong type", async () => {
    const root = makeProject({
      "products/empty/definition.yaml": "",
      "products/scalar/definition.yaml": "just a string\n",
    });
    const { project, diagnostics } = await loadProjectWithDiagnostics(root);
    expect(project.products.has("empty")).toBe(true);
    const d = find(diagnostics, "products/scalar/definition.yaml", /expected object/i);
    expect(d.location?.line).toBe(1);
  });

  it("refuses a plug whose YAML disagrees with its file name, and a plug file with a bad name", async () => {
    const root = makeProject({
      "products/mysiem/definition.yaml": SIEM_DEFINITION,
      "instances/mysiem/a/config.yaml": "{}\n",
      "instances/mysiem/b/config.yaml": "{}\n",
      "instances/mysiem/a/plugs/b/events.yaml": "topic: alerts\nmode: pull\nkind: data\nowner: both\n",
      "instances/mysiem/a/plugs/b/_pull.yaml": "kind: data\nowner: both\n",
      "instances/mysiem/a/plugs/b/alerts.yaml": "kind: stuff\nowner: both\n",
    });
    const ds = await diagsOf(root);
    expect(find(ds, "instances/mysiem/a/plugs/b/events.yaml", /topic "alerts" disagrees/).location).toMatchObject({ field: "topic", line: 1, column: 8 });
    expect(find(ds, "instances/mysiem/a/plugs/b/events.yaml", /mode "pull" disagrees/).location).toMatchObject({ field: "mode", line: 2, column: 7 });
    find(ds, "instances/mysiem/a/plugs/b/_pull.yaml", /plug file name must be/);
    expect(find(ds, "instances/mysiem/a/plugs/b/alerts.yaml", /data|action|option/).location).toMatchObject({ field: "kind", line: 1, column: 7 });
  });

  it("checks a YAML command hook's options as strictly as a TypeScript hook's (the hook loader trusts them)", async () => {
    const root = makeProject({
      "products/p/definition.yaml":
        'hooks:\n  - { kind: setup, role: consumer, topic: events, run: ["./x.sh"], title: "" }\n  - { kind: setup, role: consumer, run: ["./x.sh"], format: "", timeout: 0, order: 1.5 }\n',
    });
    const ds = await diagsOf(root);
    const file = "products/p/definition.yaml";
    expect(find(ds, file, /./).location).toBeDefined();
    const fields = ds.filter((d) => d.location?.file === file).map((d) => d.location?.field).sort();
    expect(fields).toEqual(["hooks.0.title", "hooks.1.format", "hooks.1.order", "hooks.1.timeout"]);
  });
});
