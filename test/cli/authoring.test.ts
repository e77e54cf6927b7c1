import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { initProject, meshroom, ok, read, snapshot } from "./helpers.js";

// each test spawns the real binary several times; a loaded machine needs room
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const DEF = `# Capability sheet written by hand: keep this comment
name: myedr   # the name
description: an EDR
settings:
  - { name: API_URL, required: true }
# what it produces
produces:
  events: [{ format: ecs }] # ECS events
`;

let root: string;
beforeAll(async () => {
  root = await initProject();
  await ok(["-p", root, "create", "product", "myedr"]);
  writeFileSync(join(root, "products/myedr/definition.yaml"), DEF);
  await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
});

describe("create product", () => {
  it("refuses an existing product and a bad name, writing nothing", async () => {
    const before = snapshot(root);
    const dup = await meshroom(["-p", root, "create", "product", "myedr"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^Error: product myedr already exists/);
    for (const bad of ["../evil", "my edr", "a/b", ".."]) {
      const r = await meshroom(["-p", root, "create", "product", bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain(`invalid product name ${JSON.stringify(bad)}`);
    }
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, "..", "evil"))).toBe(false);
  });
});

describe("create capability", () => {
  it("adds a capability and keeps the file's comments and key order", async () => {
    const r = await ok(["-p", root, "create", "capability", "myedr", "alerts", "producer", "--mode", "pull", "--format", "ocsf"]);
    expect(r.stdout).toContain("Added capability: myedr producer alerts (pull, ocsf).");
    await ok(["-p", root, "create", "capability", "myedr", "contain", "executor"]);
    const text = read(root, "products/myedr/definition.yaml");
    for (const c of ["# Capability sheet written by hand: keep this comment", "# the name", "# what it produces", "# ECS events"]) expect(text).toContain(c);
    expect(text.indexOf("settings:")).toBeLessThan(text.indexOf("produces:"));
    expect(text.indexOf("produces:")).toBeLessThan(text.indexOf("executes:"));
    const products = JSON.parse((await ok(["-p", root, "list", "products", "myedr", "--json"])).stdout) as Array<{ capabilities: unknown[] }>;
    expect(products[0]!.capabilities).toEqual([
      { role: "producer", topic: "events", mode: "push", format: "ecs" },
      { role: "producer", topic: "alerts", mode: "pull", format: "ocsf" },
      { role: "executor", topic: "contain", mode: "push" },
    ]);
  });

  it("refuses a duplicate (exit 1) without touching the file", async () => {
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "create", "capability", "myedr", "events", "producer", "--format", "ecs"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: myedr already produces events (push, ecs)");
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses bad roles/modes as usage errors (exit 2) and bad names/unknown products as errors (exit 1)", async () => {
    const before = snapshot(root);
    const role = await meshroom(["-p", root, "create", "capability", "myedr", "events", "eater"]);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('ROLE must be one of producer, consumer, trigger, executor, got "eater"');
    const mode = await meshroom(["-p", root, "create", "capability", "myedr", "events", "producer", "--mode", "sideways"]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("--mode must be push or pull");
    const topic = await meshroom(["-p", root, "create", "capability", "myedr", "my events", "producer"]);
    expect(topic.code).toBe(1);
    expect(topic.stderr).toContain('invalid topic name "my events"');
    const product = await meshroom(["-p", root, "create", "capability", "ghost", "events", "producer"]);
    expect(product.code).toBe(1);
    expect(product.stderr).toContain("product ghost not found");
    expect(snapshot(root)).toEqual(before);
  });
});

describe("create integration", () => {
  it("writes the integration file and declares both capabilities", async () => {
    const r = await ok(["-p", root, "create", "integration", "myedr", "mysiem", "detection_rules", "consumer", "--format", "sigma", "--mode", "pull"]);
    const rel = "products/myedr/integrations/mysiem/detection_rules_consumer_sigma_pull.yaml";
    expect(r.stdout).toContain(`Created integration ${rel}`);
    expect(r.stdout).toContain("added capability: myedr consumer detection_rules");
    expect(r.stdout).toContain("added capability: mysiem producer detection_rules");
    expect(parse(read(root, rel))).toMatchObject({ topic: "detection_rules", role: "consumer", mode: "pull", format: "sigma" });
    expect(read(root, "products/myedr/definition.yaml")).toContain("# Capability sheet written by hand: keep this comment");
    const edr = parse(read(root, "products/myedr/definition.yaml")) as { consumes: Record<string, unknown> };
    expect(edr.consumes.detection_rules).toEqual([{ mode: "pull", format: "sigma" }]);
    const siem = parse(read(root, "products/mysiem/definition.yaml")) as { produces: Record<string, unknown> };
    expect(siem.produces.detection_rules).toEqual([{ mode: "pull", format: "sigma" }]);
    const list = JSON.parse((await ok(["-p", root, "list", "products", "myedr", "--json"])).stdout) as Array<{ integrations: number }>;
    expect(list[0]!.integrations).toBe(1);
    expect((await ok(["-p", root, "validate"])).stdout).toContain("1 explicit integrations");
  });

  it("refuses the same integration twice and an unknown target", async () => {
    const before = snapshot(root);
    const again = await meshroom(["-p", root, "create", "integration", "myedr", "mysiem", "detection_rules", "consumer", "--format", "sigma", "--mode", "pull"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    const ghost = await meshroom(["-p", root, "create", "integration", "myedr", "ghost", "events", "producer"]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toContain("product ghost not found");
    expect(snapshot(root)).toEqual(before);
  });
});
