// `meshroom graph` through the CLI's entry point, in-process, on the quickstart example (read only)
// and on a saved plan file made with the engine's own writer.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { makeSavedPlan, writeSavedPlan } from "../../src/plan/plan-file.js";
import type { Plan } from "../../src/plan/index.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const QUICKSTART = join(REPO, "examples/quickstart");
const tmp = mkdtempSync(join(tmpdir(), "mr-graph-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { f(String(chunk)); cb(); } });
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(args, {
    stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: { CI: "true", NO_COLOR: "1" },
  });
  return { code, stdout, stderr };
}

describe.skipIf(!existsSync(join(QUICKSTART, "instances")))("meshroom graph", () => {
  it("prints the mesh as DOT by default, with instances, plugs and their state", async () => {
    const r = await run("graph", "-p", QUICKSTART);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^digraph "meshroom mesh: 3 instances, 2 plugs" \{/);
    expect(r.stdout).toContain('"webhook" -> "intake"');
    expect(r.stdout).toContain('label="events · pull"');
  });

  it("writes mermaid, svg and html files, taking the format from the extension", async () => {
    const mmd = await run("graph", "-p", QUICKSTART, "-o", join(tmp, "q.mmd"));
    expect(mmd.stdout).toContain("(mermaid, 3 nodes, 2 edges)");
    expect(readFileSync(join(tmp, "q.mmd"), "utf8")).toContain("flowchart LR");
    const svg = await run("graph", "-p", QUICKSTART, "--format", "svg", "-o", join(tmp, "out/q.img"));
    expect(svg.code).toBe(0);
    expect(readFileSync(join(tmp, "out/q.img"), "utf8")).toMatch(/<svg[\s\S]*<title>intake<\/title>/);
    const html = await run("graph", "-p", QUICKSTART, "-o", join(tmp, "q.html"));
    expect(html.code).toBe(0);
    expect(readFileSync(join(tmp, "q.html"), "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*id="mr-search"/);
  });

  it("draws the capability graph and prints its openness", async () => {
    const caps = await run("graph", "-p", QUICKSTART, "--capabilities");
    expect(caps.code).toBe(0);
    expect(caps.stdout).toMatch(/"webhook_source" -> "intake" \[[^\]]*style="dotted"/);
    const stats = await run("graph", "-p", QUICKSTART, "--capabilities", "--stats");
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain("ordered pairs of distinct products: 6");
    expect(stats.stdout).toMatch(/openness \(pairs that can interoperate[^:]*: 2\/6 = 33\.3%/);
    expect(stats.stdout).toMatch(/openness \(theoretical[^:]*: 2\/6 = 33\.3%/);
    const json = await run("graph", "-p", QUICKSTART, "--capabilities", "--stats", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ products: 3, possiblePairs: 6, settable: 2, theoretical: 2 });
  });

  it("overlays a saved plan", async () => {
    const plan: Plan = {
      mode: "normal", drift: [], lineage: null, serial: 0, summary: { add: 2, change: 0, destroy: 1, noop: 0 },
      changes: [
        { address: "instance.siem", type: "meshroom_instance", action: "create", before: null, after: null, fields: [], dependencies: [], priorDependencies: [] },
        { address: "plug.intake.siem.events.pull", type: "meshroom_plug", action: "create", before: null, after: null, fields: [], dependencies: [], priorDependencies: [] },
        {
          address: "instance.legacy", type: "meshroom_instance", action: "delete", fields: [], dependencies: [], priorDependencies: [], after: null,
          before: { inputs: { name: "legacy", product: "oldsiem", settings: {} }, secret_hmacs: {} },
        },
      ],
    };
    const file = join(tmp, "plan.json");
    await writeSavedPlan(file, makeSavedPlan(plan, { "//": { metadata: { backend: "meshroom", version: "test" } } }));
    const r = await run("graph", "-p", QUICKSTART, "--plan", file);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("(plan: 2 to add, 0 to change, 1 to destroy)");
    expect(r.stdout).toMatch(/"siem" \[[^\]]*label="\+ siem\\nsink"/);
    expect(r.stdout).toMatch(/"legacy" \[[^\]]*label="- legacy\\noldsiem"/);
    expect(r.stdout).toContain("plan: replace");
  });

  it("refuses contradictory flags with a usage error", async () => {
    expect((await run("graph", "-p", QUICKSTART, "--mesh", "--capabilities")).code).toBe(2);
    const stats = await run("graph", "-p", QUICKSTART, "--stats");
    expect(stats.code).toBe(2);
    expect(stats.stderr).toContain("meshroom graph --capabilities --stats");
    expect((await run("graph", "-p", QUICKSTART, "--capabilities", "--plan", "x.json")).code).toBe(2);
    expect((await run("graph", "-p", QUICKSTART, "--format", "png")).stderr).toContain("--format must be one of dot, mermaid, svg, html");
    const bad = await run("graph", "-p", QUICKSTART, "--plan", join(tmp, "nope.json"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not a saved plan");
  });
});
