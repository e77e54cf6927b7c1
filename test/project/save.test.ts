import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/project/load.js";
import { addCapability, writeInstanceConfig, writeIntegrationFile } from "../../src/project/save.js";
import { writePlugFile } from "../../src/project/plug-file.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject, snapshotDir } from "./helpers.js";

const COMMENTED_DEFINITION = `# Top comment: keep me
name: myedr # inline comment on name
description: an EDR
# settings come before capabilities on purpose
settings:
  - { name: API_URL, required: true } # the console
  - { name: port, type: integer, default: 8443 }
consumes:
  # iocs from the TIP
  iocs: [{ format: stix }]
produces:
  events: [{}] # all events
`;

describe("saving keeps the user's comments and key order", () => {
  it("addCapability appends to definition.yaml and keeps every comment and key order", async () => {
    const root = makeProject({ "products/myedr/definition.yaml": COMMENTED_DEFINITION });
    const file = join(root, "products/myedr/definition.yaml");
    expect(addCapability(root, "myedr", "consumer", "iocs", "pull", "stix")).toBe(true);
    expect(addCapability(root, "myedr", "executor", "contain", "push")).toBe(true);
    const text = readFileSync(file, "utf8");
    for (const c of ["# Top comment: keep me", "# inline comment on name", "# settings come before capabilities on purpose", "# the console", "# iocs from the TIP", "# all events"]) {
      expect(text).toContain(c);
    }
    const order = ["name:", "description:", "settings:", "consumes:", "produces:", "executes:"].map((k) => text.indexOf(`\n${k}`) === -1 ? text.indexOf(k) : text.indexOf(`\n${k}`));
    expect(order.every((v) => v >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("iocs: [ { format: stix }, { mode: pull, format: stix } ]");
    const p = (await loadProject(root)).products.get("myedr")!;
    expect(p.capabilities.map((c) => `${c.role}:${c.topic}:${c.mode}:${c.format ?? "-"}`)).toEqual([
      "producer:events:push:-", "consumer:iocs:push:stix", "consumer:iocs:pull:stix", "executor:contain:push:-",
    ]);
  });

  it("addCapability is a no-op (no write) for a capability already declared", () => {
    const root = makeProject({ "products/myedr/definition.yaml": COMMENTED_DEFINITION });
    const before = snapshotDir(root);
    expect(addCapability(root, "myedr", "consumer", "iocs", "push", "stix")).toBe(false);
    expect(readFileSync(join(root, "products/myedr/definition.yaml"), "utf8")).toBe(COMMENTED_DEFINITION);
    expect(snapshotDir(root)).toEqual(before);
  });

  it("addCapability refuses bad topic/format names before writing", () => {
    const root = makeProject({ "products/myedr/definition.yaml": COMMENTED_DEFINITION });
    const before = snapshotDir(root);
    expect(() => addCapability(root, "myedr", "producer", "../x", "push")).toThrow(/invalid topic name/);
    expect(() => addCapability(root, "myedr", "producer", "alerts", "push", "a b")).toThrow(/invalid format name/);
    expect(snapshotDir(root)).toEqual(before);
  });

  it("writeInstanceConfig updates settings in place and keeps comments and order", () => {
    const root = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "instances/myedr/e1/config.yaml": "# my instance, do not lose this\ndescription: prod # inline\nsettings:\n  # the URL\n  API_URL: https://old\n  port: 1 # port\n",
    });
    writeInstanceConfig(root, "myedr", "e1", { API_URL: "https://new", port: 8443 });
    const text = readFileSync(join(root, "instances/myedr/e1/config.yaml"), "utf8");
    expect(text).toBe("# my instance, do not lose this\ndescription: prod # inline\nsettings:\n  # the URL\n  API_URL: https://new\n  port: 8443 # port\n");
  });

  it("writeInstanceConfig creates a new file with a header comment and unsets keys on request", async () => {
    const root = makeProject({ "products/myedr/definition.yaml": EDR_DEFINITION });
    const file = writeInstanceConfig(root, "myedr", "e2", { API_URL: "u", port: 1 });
    expect(readFileSync(file, "utf8")).toMatch(/^# Instance e2 of product myedr\. .*\n[\s\S]*settings:\n  API_URL: u\n  port: 1\n$/);
    writeInstanceConfig(root, "myedr", "e2", {}, ["port"]);
    expect((await loadProject(root)).instances.get("e2")?.settings).toEqual({ API_URL: "u" });
    expect(() => writeInstanceConfig(root, "myedr", "../evil", {})).toThrow(/invalid instance name/);
  });

  it("writeIntegrationFile writes a file that loads back as the same key and never overwrites", async () => {
    const root = makeProject({ "products/myedr/definition.yaml": EDR_DEFINITION, "products/mysiem/definition.yaml": SIEM_DEFINITION });
    const key = { topic: "detection_rules", role: "consumer" as const, mode: "pull" as const, format: "sigma" };
    const file = writeIntegrationFile(root, "myedr", "mysiem", key);
    expect(file.endsWith("products/myedr/integrations/mysiem/detection_rules_consumer_sigma_pull.yaml")).toBe(true);
    const i = (await loadProject(root)).integrations[0]!;
    expect(i).toMatchObject({ ...key, product: "myedr", target: "mysiem" });
    writeFileSync(file, "# edited by hand\ndescription: mine\n");
    writeIntegrationFile(root, "myedr", "mysiem", key);
    expect(readFileSync(file, "utf8")).toBe("# edited by hand\ndescription: mine\n");
  });

  it("writePlugFile writes a plug that loads back", async () => {
    const root = makeProject({
      "products/myedr/definition.yaml": EDR_DEFINITION,
      "products/mysiem/definition.yaml": SIEM_DEFINITION,
      "instances/myedr/e/config.yaml": "settings: { API_URL: u }\n",
      "instances/mysiem/s/config.yaml": "{}\n",
    });
    writePlugFile(root, { product: "myedr", src: "e", dst: "s", topic: "events", mode: "pull", format: "ecs", kind: "data", owner: "s", settings: { src: {}, dst: { index: "x" } } });
    const [plug] = (await loadProject(root)).plugs;
    expect(plug).toMatchObject({ src: "e", dst: "s", topic: "events", mode: "pull", format: "ecs", owner: "s", settings: { src: {}, dst: { index: "x" } } });
    expect(plug!.file.endsWith("instances/myedr/e/plugs/s/events_pull.yaml")).toBe(true);
  });
});

describe("addCapability edge cases", () => {
  it("treats `topic:` with no list as one push capability and keeps it when adding another", async () => {
    const root = makeProject({ "products/p/definition.yaml": "produces:\n  events:\n" });
    expect(addCapability(root, "p", "producer", "events", "push")).toBe(false);
    expect(readFileSync(join(root, "products/p/definition.yaml"), "utf8")).toBe("produces:\n  events:\n");
    expect(addCapability(root, "p", "producer", "events", "pull")).toBe(true);
    expect((await loadProject(root)).products.get("p")!.capabilities.map((c) => c.mode)).toEqual(["push", "pull"]);
  });
  it("creates the role map and topic list when missing", async () => {
    const root = makeProject({ "products/p/definition.yaml": "# only a comment\nname: p\n" });
    expect(addCapability(root, "p", "trigger", "contain", "push")).toBe(true);
    const text = readFileSync(join(root, "products/p/definition.yaml"), "utf8");
    expect(text.startsWith("# only a comment\nname: p\n")).toBe(true);
    expect((await loadProject(root)).products.get("p")!.capabilities).toEqual([{ product: "p", role: "trigger", topic: "contain", mode: "push" }]);
  });
});
