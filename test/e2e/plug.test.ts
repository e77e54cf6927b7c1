// `meshroom plug` / `unplug` end to end: resolution as in 20-matching.md, on a real project
// with TS hook files loaded by the running CLI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { E2EProject } from "./helpers.js";

let p: E2EProject;
const MARK = "setup-ran.log";

/** A setup hook body that leaves a trace: plugging must never run it. */
const body = (name: string) => `async () => { appendFileSync(${JSON.stringify("@@MARK@@")}, ${JSON.stringify(name)} + "\\n"); return { outputs: {} }; }`;
const hooksFile = (lines: string[]) =>
  `import { appendFileSync } from "node:fs";\nimport { setup, setupProducer, setupConsumer, setupTrigger, setupExecutor } from "meshroom/hooks";\n${lines.join("\n")}\n`;

beforeAll(async () => {
  const topics = ["events", "logs", "metrics", "syslog", "dns", "half"];
  p = await E2EProject.create({
    edr: `produces:\n${topics.map((t) => `  ${t}: [{}]`).join("\n")}\n  alerts: [{ mode: pull }]\ntriggers:\n  contain: [{}]\n`,
    siem: `consumes:\n${topics.map((t) => `  ${t}: [{}]`).join("\n")}\n  alerts: [{ mode: pull }]\n`,
    fw: "executes:\n  contain: [{}]\n",
  });
  const mark = p.path(MARK);
  const write = (rel: string, text: string) => p.write(rel, text.replaceAll("@@MARK@@", mark));
  // events: explicit integrations on both sides, each with its own setup hook (owns self).
  write("products/edr/integrations/siem/events_producer.yaml", [
    "topic: events", "role: producer", "plug_settings:", "  - { name: index, type: string }", "  - { name: batch, type: integer }", "",
  ].join("\n"));
  write("products/edr/integrations/siem/events_producer.ts", hooksFile([`setup(${body("edr events")}, { title: "edr events setup" });`]));
  write("products/siem/integrations/edr/events_consumer.yaml", ["topic: events", "role: consumer", "plug_settings:", "  - { name: verify, type: boolean }", ""].join("\n"));
  write("products/siem/integrations/edr/events_consumer.ts", hooksFile([`setup(${body("siem events")});`]));
  // product-wide hooks: pull data, actions, owns-both on either side, one side only.
  write("products/edr/hooks.ts", hooksFile([
    `setupProducer("alerts", ${body("edr alerts")}, { mode: "pull" });`,
    `setupTrigger("contain", ${body("edr contain")});`,
    `setupProducer("logs", ${body("edr logs")}, { ownsBoth: true });`,
    `setupProducer("syslog", ${body("edr syslog")}, { ownsBoth: true });`,
    `setupProducer("half", ${body("edr half")});`,
  ]));
  write("products/siem/hooks.ts", hooksFile([
    `setupConsumer("alerts", ${body("siem alerts")}, { mode: "pull" });`,
    `setupConsumer("metrics", ${body("siem metrics")}, { ownsBoth: true });`,
    `setupConsumer("syslog", ${body("siem syslog")}, { ownsBoth: true });`,
  ]));
  write("products/fw/hooks.ts", hooksFile([`setupExecutor("contain", ${body("fw contain")});`]));
  for (const [product, name] of [["edr", "edr1"], ["edr", "edr2"], ["siem", "siem1"], ["siem", "siem2"], ["fw", "fw1"]]) {
    await p.ok(["add", product!, name!]);
  }
});

afterAll(() => p?.dispose());

const plugFile = (src: string, dst: string, stem: string, product = "edr") => `instances/${product}/${src}/plugs/${dst}/${stem}.yaml`;
const readPlug = (src: string, dst: string, stem: string, product?: string) =>
  parse(p.read(plugFile(src, dst, stem, product))) as Record<string, unknown> & { settings?: { src?: Record<string, unknown>; dst?: Record<string, unknown> } };

describe("plug: both sides own self", () => {
  it("plugs a push data edge through the explicit integrations of both sides", async () => {
    const r = await p.ok(["plug", "events", "edr1", "siem1"]);
    expect(r.stdout).toContain("Plugged edr1 -[events]-> siem1");
    const f = readPlug("edr1", "siem1", "events");
    expect(f).toMatchObject({ topic: "events", mode: "push", kind: "data", owner: "both" });
    expect(f.src_integration).toMatchObject({ product: "edr", target: "siem", role: "producer", explicit: true });
    expect(f.dst_integration).toMatchObject({ product: "siem", target: "edr", role: "consumer", explicit: true });
  });

  it("plugs a pull data edge from product-wide pull setup hooks (file named <topic>_pull.yaml)", async () => {
    await p.ok(["plug", "alerts", "edr1", "siem1"]);
    const f = readPlug("edr1", "siem1", "alerts_pull");
    expect(f).toMatchObject({ mode: "pull", kind: "data", owner: "both" });
    expect(f.src_integration).toMatchObject({ role: "producer", mode: "pull", explicit: false });
    expect(p.exists(plugFile("edr1", "siem1", "alerts"))).toBe(false);
  });

  it("plugs an action edge (trigger → executor) with kind: action", async () => {
    await p.ok(["plug", "contain", "edr1", "fw1"]);
    const f = readPlug("edr1", "fw1", "contain");
    expect(f).toMatchObject({ kind: "action", owner: "both", mode: "push" });
    expect(f.src_integration).toMatchObject({ role: "trigger" });
    expect(f.dst_integration).toMatchObject({ role: "executor", product: "fw" });
  });

  it("re-plugging the same edge is a no-op that exits 0 and leaves the file as it was", async () => {
    const before = p.read(plugFile("edr1", "siem1", "events"));
    const r = await p.run(["plug", "events", "edr1", "siem1"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("already exists");
    expect(p.read(plugFile("edr1", "siem1", "events"))).toBe(before);
  });
});

describe("plug: one side owns both", () => {
  it("uses a source-side setup hook with ownsBoth: true", async () => {
    await p.ok(["plug", "logs", "edr1", "siem1"]);
    expect(readPlug("edr1", "siem1", "logs")).toMatchObject({ owner: "edr1", kind: "data" });
  });

  it("uses a destination-side setup hook with ownsBoth: true", async () => {
    await p.ok(["plug", "metrics", "edr1", "siem1"]);
    expect(readPlug("edr1", "siem1", "metrics")).toMatchObject({ owner: "siem1" });
  });

  it("prefers the source side when both own both, and honours --owner", async () => {
    await p.ok(["plug", "syslog", "edr1", "siem1"]);
    expect(readPlug("edr1", "siem1", "syslog")).toMatchObject({ owner: "edr1" });
    await p.ok(["plug", "syslog", "edr2", "siem2", "--owner", "siem2"]);
    expect(readPlug("edr2", "siem2", "syslog")).toMatchObject({ owner: "siem2" });
  });

  it("fails when --owner names a side that cannot set up both, giving that side's command", async () => {
    const r = await p.run(["plug", "logs", "edr2", "siem2", "--owner", "siem2"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("meshroom create integration siem edr logs consumer");
    expect(r.stderr).not.toContain("meshroom create integration edr siem logs producer");
    expect(p.exists(plugFile("edr2", "siem2", "logs"))).toBe(false);
  });
});

describe("plug: failures", () => {
  it("says what each side has and prints both create-integration commands when neither side has a hook", async () => {
    const r = await p.run(["plug", "dns", "edr1", "siem1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("source side has generic producer (no hook)");
    expect(r.stderr).toContain("destination side has generic consumer (no hook)");
    expect(r.stderr).toContain("  meshroom create integration edr siem dns producer\n");
    expect(r.stderr).toContain("  meshroom create integration siem edr dns consumer\n");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack without --debug
    expect(p.exists(plugFile("edr1", "siem1", "dns"))).toBe(false);
  });

  it("gives only the missing side's command when the other side owns self", async () => {
    const r = await p.run(["plug", "half", "edr1", "siem1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("source side has generic producer (owns self)");
    expect(r.stderr).toContain("meshroom create integration siem edr half consumer");
    expect(r.stderr).not.toContain("meshroom create integration edr siem half producer");
  });

  it("says `nothing` for a side with no matching capability", async () => {
    const r = await p.run(["plug", "dns", "edr1", "fw1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("destination side has nothing");
    expect(r.stderr).toContain("meshroom create integration fw edr dns consumer");
  });

  it("refuses an unknown instance", async () => {
    const r = await p.run(["plug", "events", "edr1", "nope"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("instance nope not found");
  });
});

describe("plug settings", () => {
  it("types -c src.k=v / -c dst.k=v by the integrations' declarations and writes them in the plug file", async () => {
    await p.ok(["plug", "events", "edr2", "siem2", "-c", "src.batch=5", "-c", "src.index=main", "-c", "dst.verify=true"]);
    const f = readPlug("edr2", "siem2", "events");
    expect(f.settings?.src).toEqual({ batch: 5, index: "main" });
    expect(f.settings?.dst).toEqual({ verify: true });
  });

  it("refuses an unknown setting, naming the known ones, and writes nothing", async () => {
    const r = await p.run(["plug", "events", "edr2", "siem1", "-c", "src.nope=1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no setting "nope"');
    expect(r.stderr).toContain("index, batch");
    expect(p.exists(plugFile("edr2", "siem1", "events"))).toBe(false);
  });

  it("refuses a value of the wrong type", async () => {
    const r = await p.run(["plug", "events", "edr2", "siem1", "-c", "src.batch=lots"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("batch");
    expect(r.stderr).toContain("integer");
    expect(p.exists(plugFile("edr2", "siem1", "events"))).toBe(false);
  });
});

describe("unplug", () => {
  it("removes the plug file", async () => {
    await p.ok(["plug", "events", "edr1", "siem2"]);
    expect(p.exists(plugFile("edr1", "siem2", "events"))).toBe(true);
    const r = await p.ok(["unplug", "events", "edr1", "siem2"]);
    expect(r.stdout).toContain("Unplugged edr1 -[events]-> siem2");
    expect(p.exists(plugFile("edr1", "siem2", "events"))).toBe(false);
    const list = await p.ok(["list", "plugs", "edr1", "siem2"]);
    expect(list.stdout).not.toContain("events");
  });

  it("exits 1 for a plug that does not exist", async () => {
    const r = await p.run(["unplug", "events", "edr1", "siem2"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no plug edr1 -[events]-> siem2");
  });
});

describe("plug: only the two products' hooks are loaded", () => {
  it("plugs while another product's hook file is broken, and names a broken file of either side", async () => {
    await p.ok(["create", "product", "other"]);
    p.write("products/other/hooks.ts", "const x = ;\n");
    try {
      await p.ok(["plug", "contain", "edr2", "fw1"]);
      expect(readPlug("edr2", "fw1", "contain")).toMatchObject({ kind: "action", owner: "both" });
      // the broken file of one of the two products does stop it, naming the file
      p.write("products/fw/broken.ts", "const x = ;\n");
      const r = await p.run(["plug", "contain", "edr1", "fw1", "--mode", "pull"]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("products/fw/broken.ts");
      expect(r.stderr).not.toContain("products/other/hooks.ts");
    } finally {
      p.remove("products/fw/broken.ts");
      p.remove("products/other");
    }
  });
});

describe("plugging runs no hook body", () => {
  it("left no trace of any setup hook after all the plugs above", () => {
    expect(p.lines(MARK)).toEqual([]);
  });
});
