// produce / watch / trigger / execute end to end: hook selection (20-matching.md), stdin
// lines, --count / --timeout, -p params, and the "no hook" error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EProject, meshroom } from "./helpers.js";

let p: E2EProject;
const CALLS = "calls.log";

const header = `import { appendFileSync, writeFileSync } from "node:fs";
import { setupProducer, setupConsumer, setupTrigger, setupExecutor, produce, watch, trigger, execute } from "meshroom/hooks";
const LOG = "@@CALLS@@";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
`;

beforeAll(async () => {
  p = await E2EProject.create({
    edr: "produces:\n  events: [{}]\ntriggers:\n  contain: [{}]\n",
    ids: "produces:\n  events: [{}]\n",
    siem: "consumes:\n  events: [{}]\n",
    sink: "consumes:\n  events: [{}]\n",
    fw: "executes:\n  contain: [{}]\n",
  });
  const write = (rel: string, body: string) => p.write(rel, (header + body).replaceAll("@@CALLS@@", p.path(CALLS)).replaceAll("@@ROOT@@", p.root));
  write("products/edr/hooks.ts", `
setupProducer("events", async () => ({ outputs: {} }));
setupTrigger("contain", async () => ({ outputs: {} }));
produce("events", async ({ data, instance, plug }) => {
  appendFileSync(LOG, \`edr:\${instance.name}:\${plug ? plug.dst : "-"}:\${data}\\n\`);
  return \`sent \${data}\`;
}, { title: "edr produce" });
watch("events", async function* edrWatch() { yield "edr-watch-1"; yield "edr-watch-2"; });
trigger("contain", async ({ params, instance }) => {
  appendFileSync(LOG, "trigger:" + JSON.stringify(params) + "\\n");
  return { triggeredBy: instance.name, params };
});
`);
  write("products/ids/hooks.ts", `setupProducer("events", async () => ({ outputs: {} }));\n`);
  write("products/siem/hooks.ts", `
setupConsumer("events", async () => ({ outputs: {} }));
produce("events", async ({ data, instance, plug }) => {
  appendFileSync(LOG, \`siem:\${instance.name}:\${plug ? plug.src : "-"}:\${data}\\n\`);
}, { title: "siem produce" });
watch("events", async function* siemWatch({ instance }) {
  writeFileSync("@@ROOT@@/watch-started", String(Date.now()));
  for (let i = 1; ; i++) { yield { n: i, on: instance.name }; await sleep(150); }
});
`);
  write("products/sink/hooks.ts", `
setupConsumer("events", async () => ({ outputs: {} }));
watch("alerts", async function* stuck() { writeFileSync("@@ROOT@@/stuck-started", String(Date.now())); await new Promise(() => {}); });
`);
  write("products/fw/hooks.ts", `
setupExecutor("contain", async () => ({ outputs: {} }));
execute("contain", async ({ params }) => ({ executed: params }));
`);
  for (const [product, name] of [["edr", "edr1"], ["ids", "ids1"], ["siem", "siem1"], ["sink", "sink1"], ["fw", "fw1"]]) await p.ok(["add", product!, name!]);
  await p.ok(["plug", "events", "edr1", "siem1"]);
  await p.ok(["plug", "events", "ids1", "siem1"]);
  await p.ok(["plug", "events", "edr1", "sink1"]);
  await p.ok(["plug", "contain", "edr1", "fw1"]);
});

afterAll(() => p?.dispose());

describe("produce", () => {
  it("calls the hook once per non-blank stdin line, using the producer side's hook on a plug", async () => {
    p.remove(CALLS);
    const r = await p.ok(["produce", "events", "edr1", "siem1"], p.root, { input: "a\n\nb\n" });
    expect(p.lines(CALLS)).toEqual(["edr:edr1:siem1:a", "edr:edr1:siem1:b"]);
    expect(r.stdout).toBe("sent a\nsent b\n");
  });

  it("falls back to the consumer side's hook when the producer has none", async () => {
    p.remove(CALLS);
    const r = await p.ok(["produce", "events", "ids1", "siem1"], p.root, { input: "a\n\nb\n" });
    expect(p.lines(CALLS)).toEqual(["siem:siem1:ids1:a", "siem:siem1:ids1:b"]);
    expect(r.stdout).toBe("ok\nok\n");
  });

  it("without DST uses the instance's own product hook", async () => {
    p.remove(CALLS);
    await p.ok(["produce", "events", "siem1"], p.root, { input: "x\n" });
    await p.ok(["produce", "events", "edr1"], p.root, { input: "y" });
    expect(p.lines(CALLS)).toEqual(["siem:siem1:-:x", "edr:edr1:-:y"]);
  });

  it("exits 1 naming the kind and the product when there is no produce hook", async () => {
    const r = await p.run(["produce", "events", "ids1"], { input: "a\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no `produce` hook for events");
    expect(r.stderr).toContain("ids (instance ids1");
  });
});

describe("watch", () => {
  it("--count 2 prints two items and exits 0 (consumer side's hook on a plug)", async () => {
    const r = await p.run(["watch", "events", "edr1", "siem1", "--count", "2"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('{"n":1,"on":"siem1"}\n{"n":2,"on":"siem1"}\n');
  });

  it("on a plug whose consumer has no watch hook, watches the producer side", async () => {
    const r = await p.run(["watch", "events", "edr1", "sink1", "--count", "5"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("edr-watch-1\nedr-watch-2\n");
  });

  it("--timeout 1 ends an endless generator after about one second, exit 0", async () => {
    p.remove("watch-started");
    const r = await p.run(["watch", "events", "siem1", "--timeout", "1"], { timeoutMs: 20_000 });
    const elapsed = Date.now() - Number(p.read("watch-started"));
    expect(r.exitCode).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000); // generous: the box may be busy; an endless watch never ends at all
    const items = r.stdout.trim().split("\n");
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items[0]).toBe('{"n":1,"on":"siem1"}');
  });

  it("--timeout also ends a generator stuck on a promise that never settles", async () => {
    p.remove("stuck-started");
    const r = await p.run(["watch", "alerts", "sink1", "--timeout", "1"], { timeoutMs: 20_000 });
    const elapsed = Date.now() - Number(p.read("stuck-started"));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("");
    expect(elapsed).toBeLessThan(5000);
  });

  it("exits 1 with `no \\`watch\\` hook …` when none exists", async () => {
    const r = await p.run(["watch", "events", "ids1", "--count", "1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no `watch` hook for events");
    expect(r.stderr).toContain("ids (instance ids1");
    expect(r.stdout).toBe("");
  });
});

describe("trigger / execute", () => {
  it("passes -p k=v params, JSON-typed, to the trigger hook and prints its result", async () => {
    p.remove(CALLS);
    const r = await p.ok(["trigger", "contain", "edr1", "-p", "k=v", "-p", "n=3"]);
    expect(p.lines(CALLS)).toEqual(['trigger:{"k":"v","n":3}']);
    expect(JSON.parse(r.stdout)).toEqual({ triggeredBy: "edr1", params: { k: "v", n: 3 } });
  });

  it("uses --path (not -p) for the project and runs from any directory", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "meshroom-e2e-cwd-"));
    try {
      const r = await meshroom(elsewhere, ["trigger", "contain", "edr1", "fw1", "--path", p.root, "-p", "host=h1"]);
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ triggeredBy: "edr1", params: { host: "h1" } });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("runs the executor side's execute hook on a plug", async () => {
    const r = await p.ok(["execute", "contain", "edr1", "fw1", "-p", "host=h2", "-p", "force=true"]);
    expect(JSON.parse(r.stdout)).toEqual({ executed: { host: "h2", force: true } });
  });

  it("exits 1 naming the kind when the trigger side has no trigger hook", async () => {
    const r = await p.run(["trigger", "contain", "fw1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no `trigger` hook for contain");
    expect(r.stderr).toContain("fw (instance fw1");
  });

  it("says the plug is missing when DST is given but not plugged", async () => {
    const r = await p.run(["produce", "events", "ids1", "sink1"], { input: "a\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no plug ids1 -[events]-> sink1");
    expect(r.stderr).toContain("meshroom plug events ids1 sink1");
  });
});
