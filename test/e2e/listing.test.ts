// `list integrations` end to end, and the rule that loading a project for list/validate/plug
// imports hook files but never runs a hook body.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "./helpers.js";

let p: E2EProject;
const MARK = "bodies-ran.log";
const LOADED = "files-loaded.log";

interface Row {
  product: string;
  target: string;
  topic: string;
  role: string;
  mode: string;
  format: string | null;
  type: "explicit" | "generic";
  ownership: "owns both" | "owns self" | "no hook";
  hooks: Array<{ kind: string; title: string; source: string }>;
  plugs: string[];
}

beforeAll(async () => {
  p = await E2EProject.create({
    edr: "produces:\n  events: [{}]\n  dns: [{ format: json }]\n",
    siem: "consumes:\n  events: [{}]\n  dns: [{}]\n  alerts: [{}]\n",
    ids: "produces:\n  alerts: [{}]\n",
  });
  const header = (file: string) => `import { appendFileSync } from "node:fs";
import * as h from "meshroom/hooks";
appendFileSync(${JSON.stringify(p.path(LOADED))}, ${JSON.stringify(file)} + "\\n");
const body = (what: string) => async (..._args: unknown[]) => { appendFileSync(${JSON.stringify(p.path(MARK))}, what + "\\n"); return { outputs: {} }; };
`;
  p.write("products/edr/hooks.ts", header("edr") + `
h.setupProducer("events", body("edr setup"), { title: "edr events setup" });
h.readProducer("events", async () => { appendFileSync(${JSON.stringify(p.path(MARK))}, "edr read\\n"); return { exists: true }; });
h.produce("events", body("edr produce"));
h.pull(body("edr pull"));
`);
  p.write("products/siem/integrations/edr/events_consumer.yaml", "topic: events\nrole: consumer\n");
  p.write("products/siem/integrations/edr/events_consumer.ts", header("siem→edr") + `
h.setup(body("siem setup"), { title: "siem intake", ownsBoth: true });
`);
  p.write("products/siem/hooks.ts", header("siem") + `
h.setupInstance(body("siem instance"));
h.scaffoldConsumer(body("siem scaffold"));
`);
  await p.ok(["add", "edr", "edr1"]);
  await p.ok(["add", "siem", "siem1"]);
  await p.ok(["plug", "events", "edr1", "siem1"]);
});

afterAll(() => p?.dispose());

const listJson = async (...args: string[]): Promise<Row[]> => JSON.parse((await p.ok(["list", "integrations", ...args, "--json"])).stdout) as Row[];

describe("list integrations --json", () => {
  it("shows explicit and generic integrations with ownership and the plugs using them", async () => {
    const rows = await listJson();
    const key = (r: Row) => `${r.product}>${r.target}:${r.topic}:${r.role}`;
    expect(rows.map(key).sort()).toEqual([
      "edr>siem:dns:producer",
      "edr>siem:events:producer",
      "ids>siem:alerts:producer",
      "siem>edr:dns:consumer",
      "siem>edr:events:consumer",
      "siem>ids:alerts:consumer",
    ]);
    const find = (k: string) => rows.find((r) => key(r) === k)!;
    expect(find("siem>edr:events:consumer")).toMatchObject({ type: "explicit", ownership: "owns both", plugs: ["edr1->siem1"] });
    expect(find("siem>edr:events:consumer").hooks).toContainEqual({ kind: "setup", title: "siem intake", source: "products/siem/integrations/edr/events_consumer.ts" });
    expect(find("edr>siem:events:producer")).toMatchObject({ type: "generic", ownership: "owns self" });
    expect(find("ids>siem:alerts:producer")).toMatchObject({ type: "generic", ownership: "no hook", plugs: [] });
  });

  it("a generic integration takes the more specific format of the pair", async () => {
    const rows = await listJson("siem", "edr", "--topic", "dns");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ format: "json", type: "generic", ownership: "no hook" });
  });

  it("filters by product, target and role", async () => {
    const rows = await listJson("siem", "--role", "consumer");
    expect(rows.every((r) => r.product === "siem" && r.role === "consumer")).toBe(true);
    expect(rows.map((r) => r.target).sort()).toEqual(["edr", "edr", "ids"]);
  });

  it("prints a table without --json", async () => {
    const r = await p.ok(["list", "integrations", "siem", "edr", "--topic", "events"]);
    expect(r.stdout).toMatch(/siem\s+edr\s+events\s+consumer\s+push\s+-\s+explicit\s+owns both\s+1/);
  });
});

describe("list products", () => {
  const products = async (...args: string[]) =>
    JSON.parse((await p.ok(["list", "products", ...args, "--json"])).stdout) as Array<{ name: string; capabilities: Array<{ role: string; topic: string; mode: string }> }>;

  it("--wide adds the capabilities implied by product-wide setup hooks", async () => {
    p.write("products/ids/implied.ts", `import { setupConsumer } from "meshroom/hooks";\nsetupConsumer("threats", async () => ({ outputs: {} }), { mode: "pull" });\n`);
    try {
      const plain = (await products()).find((x) => x.name === "ids")!;
      const wide = (await products("--wide")).find((x) => x.name === "ids")!;
      expect(plain.capabilities.map((c) => `${c.role}:${c.topic}:${c.mode}`)).toEqual(["producer:alerts:push"]);
      expect(wide.capabilities.map((c) => `${c.role}:${c.topic}:${c.mode}`)).toEqual(["producer:alerts:push", "consumer:threats:pull"]);
      expect((await p.ok(["list", "products", "ids", "--wide"])).stdout).toContain("consumer:threats@pull");
    } finally {
      p.remove("products/ids/implied.ts");
    }
  });
});

describe("listing never runs hook bodies", () => {
  it("list, validate and plug import the hook files but run no body", async () => {
    p.remove(MARK);
    p.remove(LOADED);
    for (const args of [
      ["list", "products"], ["list", "products", "--wide"], ["list", "integrations"], ["list", "instances"],
      ["list", "plugs"], ["validate"], ["plug", "events", "edr1", "siem1"],
    ]) {
      await p.ok(args);
    }
    expect(p.lines(MARK)).toEqual([]);
    // the files were imported (registration is allowed) by the commands that need the hooks
    expect(p.lines(LOADED).length).toBeGreaterThan(0);
  });

  it("the marker does record a body that runs (the check above can fail)", async () => {
    p.remove(MARK);
    await p.ok(["produce", "events", "edr1"], p.root, { input: "x\n" });
    expect(p.lines(MARK)).toEqual(["edr produce"]);
  });
});
