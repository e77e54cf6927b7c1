// pull / publish / create integration (scaffold hooks) end to end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { E2EProject } from "./helpers.js";

let p: E2EProject;
const CALLS = "calls.log";

beforeAll(async () => {
  p = await E2EProject.create({
    vendor: "produces:\n  dns: [{}]\n",
    siem: "consumes:\n  dns: [{}]\n",
    edr: "",
  });
  const calls = JSON.stringify(p.path(CALLS));
  // Pull hooks are declared out of order and across two files; they must run first, 1, 2, unset, last.
  p.write("products/vendor/a-more.ts", `import { appendFileSync } from "node:fs";
import { pull } from "meshroom/hooks";
pull(async () => { appendFileSync(${calls}, "pull:unset\\n"); }, { title: "unset" });
`);
  p.write("products/vendor/hooks.ts", `import { appendFileSync, existsSync } from "node:fs";
import { pull, publish, scaffoldProducer, scaffoldConsumer } from "meshroom/hooks";
const log = (s: string) => appendFileSync(${calls}, s + "\\n");
pull(async () => { log("pull:last"); }, { order: "last", title: "last" });
pull(async () => { log("pull:2"); }, { order: 2, title: "two" });
pull(async ({ path, project }) => {
  log("pull:1:" + path + ":" + existsSync(path));
  await project.writeProduct("imported", { description: "pulled from the vendor catalog", produces: { dns: [{}] } });
  await project.writeIntegration("imported", "siem", "dns_producer", { topic: "dns", role: "producer", description: "pulled" });
  return { imported: 1 };
}, { order: 1, title: "one" });
pull(async () => { log("pull:first"); }, { order: "first", title: "first" });

publish(async ({ integration }) => {
  log(\`publish:\${integration.product}->\${integration.targetProduct}:\${integration.topic}:\${integration.role}\`);
  return "pushed";
}, { title: "Publish to the marketplace" });

scaffoldProducer(async ({ integration, files }) => {
  log("scaffold:" + integration.targetProduct + ":" + integration.topic);
  await files.write(\`\${integration.topic}_\${integration.role}.ts\`,
    'import { setup } from "meshroom/hooks";\\nsetup(async () => ({ outputs: {} }), { title: "scaffolded setup" });\\n');
}, { title: "Write a starter setup hook" });
scaffoldConsumer(async () => { log("scaffold:consumer-should-not-run"); });
`);
  for (const [target, stem] of [["siem", "events_producer"], ["siem", "alerts_producer_pull"], ["edr", "logs_producer"]]) {
    const parts = stem!.split("_");
    p.write(`products/vendor/integrations/${target}/${stem}.yaml`, `topic: ${parts[0]}\nrole: producer\n${parts[2] === "pull" ? "mode: pull\n" : ""}`);
  }
});

afterAll(() => p?.dispose());

describe("pull", () => {
  it("runs the product's pull hooks in order first → 1 → 2 → unset → last, with path = mirrors/<product>", async () => {
    p.remove(CALLS);
    const r = await p.ok(["pull", "vendor"]);
    const calls = p.lines(CALLS);
    expect(calls.map((c) => c.split(":").slice(0, 2).join(":"))).toEqual(["pull:first", "pull:1", "pull:2", "pull:unset", "pull:last"]);
    expect(calls[1]).toBe(`pull:1:${p.path("mirrors/vendor")}:true`);
    expect(r.stdout.split("\n").filter((l) => /^\w+: /.test(l))).toEqual(["first: done", 'one: {"imported":1}', "two: done", "unset: done", "last: done"]);
    expect(r.stdout).toContain("created products/imported/definition.yaml");
    expect(r.stdout).toContain("created products/imported/integrations/siem/dns_producer.yaml");
  });

  it("what the hooks wrote is a valid part of the project", async () => {
    expect(parse(p.read("products/imported/definition.yaml"))).toMatchObject({ name: "imported", produces: { dns: [{}] } });
    const r = await p.ok(["list", "integrations", "imported", "--json"]);
    const rows = JSON.parse(r.stdout) as Array<{ target: string; topic: string; type: string }>;
    expect(rows).toContainEqual(expect.objectContaining({ target: "siem", topic: "dns", type: "explicit" }));
  });

  it("a second pull runs the hooks again and reports no changes", async () => {
    p.remove(CALLS);
    const r = await p.ok(["pull", "vendor"]);
    expect(p.lines(CALLS)).toHaveLength(5);
    expect(r.stdout).toContain("No files changed.");
    expect(r.stdout).not.toContain("created ");
  });

  it("exits 1 for a product without pull hooks", async () => {
    const r = await p.run(["pull", "siem"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no `pull` hook for product siem");
  });
});

describe("publish", () => {
  it("runs for every explicit integration of the product, and only explicit ones", async () => {
    p.remove(CALLS);
    const r = await p.ok(["publish", "vendor"]);
    expect(p.lines(CALLS).sort()).toEqual([
      "publish:vendor->edr:logs:producer",
      "publish:vendor->siem:alerts:producer",
      "publish:vendor->siem:events:producer",
    ]);
    expect(r.stdout.trim().split("\n")).toHaveLength(3);
    expect(r.stdout).toContain("(Publish to the marketplace): pushed");
  });

  it("narrows to a target and a topic", async () => {
    p.remove(CALLS);
    await p.ok(["publish", "vendor", "siem"]);
    expect(p.lines(CALLS).sort()).toEqual(["publish:vendor->siem:alerts:producer", "publish:vendor->siem:events:producer"]);
    p.remove(CALLS);
    await p.ok(["publish", "vendor", "siem", "events"]);
    expect(p.lines(CALLS)).toEqual(["publish:vendor->siem:events:producer"]);
  });

  it("exits 1 when nothing matches", async () => {
    const r = await p.run(["publish", "vendor", "siem", "nosuchtopic"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no explicit integration of vendor matches");
  });
});

describe("create integration", () => {
  it("runs the product's matching scaffold hook, which writes a file next to the integration", async () => {
    p.remove(CALLS);
    const r = await p.ok(["create", "integration", "vendor", "siem", "metrics", "producer"]);
    expect(r.stdout).toContain("Created integration products/vendor/integrations/siem/metrics_producer.yaml");
    expect(r.stdout).toContain("scaffold hook: Write a starter setup hook");
    expect(p.lines(CALLS)).toEqual(["scaffold:siem:metrics"]);
    expect(p.read("products/vendor/integrations/siem/metrics_producer.ts")).toContain('title: "scaffolded setup"');
  });

  it("the scaffolded hook file is picked up: the new integration owns self", async () => {
    const r = await p.ok(["list", "integrations", "vendor", "siem", "--topic", "metrics", "--json"]);
    const rows = JSON.parse(r.stdout) as Array<{ type: string; ownership: string; hooks: Array<{ title: string }> }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: "explicit", ownership: "owns self" });
    expect(rows[0]!.hooks.map((h) => h.title)).toContain("scaffolded setup");
  });

  it("runs no scaffold hook of another role", async () => {
    p.remove(CALLS);
    await p.ok(["create", "integration", "edr", "vendor", "metrics", "consumer"]);
    expect(p.lines(CALLS)).toEqual([]);
  });
});
