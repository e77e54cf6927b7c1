import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_KINDS } from "../../src/model/index.js";
import { TempProject, rejection } from "./helpers.js";

let project: TempProject;
afterEach(() => project?.cleanup());

const EVERY_KIND = `
import {
  setupProducer, setupConsumer, setupTrigger, setupExecutor,
  teardownConsumer, readConsumer, updateConsumer, setup,
  setupInstance, teardownInstance, readInstance,
  scaffoldConsumer, pull, publish, produce, watch, trigger, execute,
} from "meshroom/hooks";
import type { PlugHookContext } from "meshroom/hooks";

setupProducer("events", async function createForwarder() { return { outputs: {} }; }, { mode: "pull", format: "ecs" });
setupConsumer("events", async function createIntake(_ctx: PlugHookContext) { return undefined; }, { order: "first", ownsBoth: true, title: "Create an intake key", timeout: 12 });
setupTrigger("isolate", async () => {}, { order: 3 });
setupExecutor(async () => {}, { order: "last", keepWhenOverloaded: true });
teardownConsumer("events", async function deleteIntake() {});
readConsumer("events", async () => ({ exists: true }));
updateConsumer("events", async () => {});
setup(async function anyRole() {}, { role: "consumer", topic: "alerts" });
setupInstance(async function createTenant() {});
teardownInstance(async () => {});
readInstance(async () => ({ exists: false }));
scaffoldConsumer("events", async () => {});
pull(async function mirror() {});
publish(async () => {});
produce("events", async () => {}, { role: "producer" });
watch("events", async function* tail() { yield 1; });
trigger("isolate", async () => ({ ok: true }));
execute("isolate", async () => ({ ok: true }));
`;

describe("loadHooks", () => {
  it("registers every kind with its role, topic and options, from a project without node_modules", async () => {
    project = new TempProject();
    project.write("products/myedr/hooks.ts", EVERY_KIND);
    expect(existsSync(project.path("node_modules"))).toBe(false);
    const reg = await project.load(["myedr"]);
    const ds = reg.descriptors();
    expect(ds).toHaveLength(18);
    expect(new Set(ds.map((d) => d.kind))).toEqual(new Set(HOOK_KINDS));
    const byTitle = (t: string) => ds.find((d) => d.title === t)!;

    expect(byTitle("createForwarder")).toMatchObject({ kind: "setup", product: "myedr", role: "producer", topic: "events", mode: "pull", format: "ecs", ownsBoth: false, timeout: 300 });
    expect(byTitle("Create an intake key")).toMatchObject({ role: "consumer", topic: "events", order: "first", ownsBoth: true, timeout: 12, source: "products/myedr/hooks.ts" });
    expect(byTitle("Create an intake key").target).toBeUndefined();
    expect(byTitle("anyRole")).toMatchObject({ kind: "setup", role: "consumer", topic: "alerts" });
    expect(byTitle("createTenant")).toMatchObject({ kind: "setupInstance" });
    expect(byTitle("createTenant").role).toBeUndefined();
    expect(byTitle("tail")).toMatchObject({ kind: "watch", topic: "events" });

    const executor = ds.find((d) => d.kind === "setup" && d.role === "executor")!;
    expect(executor).toMatchObject({ order: "last", keepWhenOverloaded: true });
    expect(executor.topic).toBeUndefined();
    expect(ds.find((d) => d.kind === "setup" && d.role === "trigger")!.order).toBe(3);
    expect(ds.find((d) => d.kind === "trigger")).toMatchObject({ role: "trigger", topic: "isolate" });
    expect(ds.find((d) => d.kind === "execute")).toMatchObject({ role: "executor", topic: "isolate" });
    expect(ds.find((d) => d.kind === "produce")).toMatchObject({ role: "producer", topic: "events" });
    // ids are unique and name the file
    expect(new Set(ds.map((d) => d.id)).size).toBe(18);
    expect(ds.every((d) => d.id.startsWith("products/myedr/hooks.ts#"))).toBe(true);
  });

  it("titles default to the function name, else to the registration call", async () => {
    project = new TempProject();
    project.write("products/p/hooks.ts", `
      import { setupConsumer, teardownConsumer } from "meshroom/hooks";
      async function createIntakeKey() {}
      setupConsumer("events", createIntakeKey);
      teardownConsumer("events", async () => {});
    `);
    const titles = (await project.load(["p"])).descriptors().map((d) => d.title);
    expect(titles).toEqual(["createIntakeKey", "teardownConsumer(events)"]);
  });

  it("never runs a hook body while loading, and imports each file once per process", async () => {
    project = new TempProject();
    const marker = project.path("body-ran");
    const counter = project.path("imported");
    project.write("products/p/hooks.mjs", `
      import { appendFileSync, writeFileSync } from "node:fs";
      import { setupConsumer, pull } from "meshroom/hooks";
      appendFileSync(${JSON.stringify(counter)}, "x");
      setupConsumer("events", async () => { writeFileSync(${JSON.stringify(marker)}, "ran"); });
      pull(() => { writeFileSync(${JSON.stringify(marker)}, "ran"); });
    `);
    const first = await project.load(["p"]);
    const second = await project.load(["p"]);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(counter, "utf8")).toBe("x");
    expect(second.descriptors()).toEqual(first.descriptors());
    expect(second.entries()[0]!.fn).toBe(first.entries()[0]!.fn);
  });

  it("loads .js files and helper imports; the typed context is available to TS files", async () => {
    project = new TempProject();
    project.write("products/p/lib/util.ts", `export const TOPIC: string = "alerts";`);
    project.write("products/p/a.js", `import { setupInstance } from "meshroom/hooks"; setupInstance(function fromJs() {});`);
    project.write("products/p/b.ts", `import { setupProducer } from "meshroom/hooks"; import { TOPIC } from "./lib/util.ts"; setupProducer(TOPIC, async function fromTs() {});`);
    project.write("products/p/types.d.ts", `export {};`);
    const ds = (await project.load(["p"])).descriptors();
    expect(ds.map((d) => [d.title, d.topic])).toEqual([["fromJs", undefined], ["fromTs", "alerts"]]);
  });

  it("takes role, topic, mode, format and target of integration hooks from the integration's file name", async () => {
    project = new TempProject();
    project.write("products/myedr/integrations/siem/events_consumer_ecs_pull.yaml", "description: x\n");
    project.write("products/myedr/integrations/siem/events_consumer_ecs_pull.ts", `
      import { setup, teardownConsumer, read } from "meshroom/hooks";
      setup(async function makeIt() {}, { order: 1 });
      teardownConsumer(async function unmakeIt() {});
      read("events", async function check() { return { exists: true }; });
    `);
    const ds = (await project.load(["myedr"])).descriptors();
    expect(ds).toHaveLength(3);
    for (const d of ds) {
      expect(d).toMatchObject({ product: "myedr", target: "siem", role: "consumer", topic: "events", mode: "pull", format: "ecs" });
    }
    expect(ds.map((d) => d.kind)).toEqual(["setup", "teardown", "read"]);
  });

  it("warns about an integration hook file with no YAML next to it, and does not load it", async () => {
    project = new TempProject();
    const marker = project.path("imported");
    project.write("products/p/integrations/q/events_consumer.ts", `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "");`);
    const reg = await project.load(["p"]);
    expect(reg.size).toBe(0);
    expect(reg.warnings.join("\n")).toContain("products/p/integrations/q/events_consumer.ts: ignored");
    expect(existsSync(marker)).toBe(false);
  });

  it("rejects registrations that contradict the integration or lack a role, with the file named", async () => {
    project = new TempProject();
    project.write("products/p/integrations/q/events_consumer.yaml", "{}\n");
    project.write("products/p/integrations/q/events_consumer.ts", `
      import { setupProducer, setupInstance } from "meshroom/hooks";
      setupProducer(async () => {});
      setupInstance(async () => {});
    `);
    project.write("products/p/hooks.ts", `
      import { setup, teardownConsumer } from "meshroom/hooks";
      setup(async () => {});
      teardownConsumer("events", async () => {}, { ordr: 1 } as never);
    `);
    const e = await rejection(project.load(["p"]));
    expect(e.code).toBe("E_BAD_MANIFEST");
    const text = (e as unknown as { render(): string }).render();
    expect(text).toContain("4 problems");
    expect(text).toContain("products/p/hooks.ts: setup() in a product-wide file needs a role");
    expect(text).toContain('products/p/hooks.ts: teardownConsumer(): bad options: options: Unrecognized key: "ordr"');
    expect(text).toContain('products/p/integrations/q/events_consumer.ts: setupProducer(): role "producer" contradicts the integration file name');
    expect(text).toContain("setupInstance() belongs in a product-wide file");
  });

  it("turns a file with a syntax error into a clean E_BAD_MANIFEST naming the file", async () => {
    project = new TempProject();
    project.write("products/broken/hooks.ts", `import { setupConsumer } from "meshroom/hooks";\nsetupConsumer("events", async () => {\n  const x = ;\n});\n`);
    const e = await rejection(project.load(["broken"]));
    expect(e.code).toBe("E_BAD_MANIFEST");
    expect(e.message).toMatch(/^could not load hook file products\/broken\/hooks\.ts: /);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it("turns a file that throws at import into E_BAD_MANIFEST, and a later load retries it", async () => {
    project = new TempProject();
    project.write("products/p/hooks.ts", `throw new Error("no API_URL configured");`);
    const e = await rejection(project.load(["p"]));
    expect(e.code).toBe("E_BAD_MANIFEST");
    expect(e.message).toContain("products/p/hooks.ts: no API_URL configured");
    project.write("products/p/hooks.ts", `import { pull } from "meshroom/hooks"; pull(function fixed() {});`);
    expect((await project.load(["p"])).descriptors().map((d) => d.title)).toEqual(["fixed"]);
  });

  it("registers YAML command hooks of products and integrations", async () => {
    project = new TempProject();
    const reg = await project.load(["p"], {
      p: [{ kind: "setup", role: "consumer", topic: "events", run: ["./setup.sh"], order: "first", secrets: ["API_KEY"] }],
    });
    expect(reg.descriptors()).toEqual([
      {
        id: "products/p/definition.yaml#hooks[0]", kind: "setup", product: "p", role: "consumer", topic: "events", order: "first",
        ownsBoth: false, keepWhenOverloaded: false, title: "run ./setup.sh", timeout: 300, source: "products/p/definition.yaml",
      },
    ]);
  });

  it("keeps jiti out of the import of src/hooks/index.ts (CLI cold start)", () => {
    const src = readFileSync(new URL("../../src/hooks/index.ts", import.meta.url), "utf8");
    const staticLoaderImports = src.split("\n").filter((l) => l.includes('"./loader.js"') && /^(import|export) /.test(l) && !/^(import|export) type /.test(l));
    expect(staticLoaderImports).toEqual([]);
    expect(src).toContain('await import("./loader.js")');
    const loader = readFileSync(new URL("../../src/hooks/loader.ts", import.meta.url), "utf8");
    expect(loader).not.toMatch(/^import[^;]*"jiti"/m);
  });
});
