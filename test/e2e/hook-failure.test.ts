// Hook failures become clean errors (title + product, stack only with --debug), and YAML
// command hooks work end to end with JSON on stdin/stdout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "./helpers.js";

let p: E2EProject;
const STACK_LINE = /^\s+at .+/m;

beforeAll(async () => {
  p = await E2EProject.create({
    vendor: `hooks:
  - { kind: produce, topic: events, run: ["node", "scripts/echo.mjs"], title: "echo through node" }
  - { kind: produce, topic: failing, run: ["node", "scripts/fail.mjs"] }
  - { kind: produce, topic: garbage, run: ["node", "scripts/garbage.mjs"] }
  - { kind: trigger, topic: isolate, run: ["node", "scripts/echo.mjs"] }
`,
  });
  // scripts live in a subfolder: *.ts / *.js / *.mjs directly under products/<p>/ are loaded as hook files.
  p.write("products/vendor/scripts/echo.mjs", `import { appendFileSync } from "node:fs";
let s = "";
process.stdin.setEncoding("utf8").on("data", (c) => (s += c)).on("end", () => {
  const ctx = JSON.parse(s);
  appendFileSync(${JSON.stringify(p.path("cmd.log"))}, JSON.stringify({ kind: ctx.kind, data: ctx.data, params: ctx.params, cwd: process.cwd() }) + "\\n");
  process.stdout.write(JSON.stringify({ got: ctx.data ?? ctx.params, instance: ctx.instance.name, url: ctx.instance.settings.url }) + "\\n");
});
`);
  p.write("products/vendor/scripts/fail.mjs", `process.stderr.write("upstream said 503: service unavailable\\n"); process.exit(4);\n`);
  p.write("products/vendor/scripts/garbage.mjs", `console.log("all good, 1 event sent");\n`);
  p.write("products/vendor/hooks.ts", `import { produce } from "meshroom/hooks";
async function deepInside(): Promise<never> { throw new Error("vendor API refused the event (HTTP 401)"); }
produce("boom", async () => { await deepInside(); }, { title: "Send to the vendor API" });
produce("slow", async ({ signal }) => {
  await new Promise((resolve, reject) => {
    const t = setTimeout(resolve, 60_000);
    signal.addEventListener("abort", () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}, { title: "Slow sender", timeout: 1 });
produce("deaf", async () => { await new Promise((r) => setTimeout(r, 25_000)); }, { title: "Deaf sender", timeout: 1 });
`);
  p.write("products/vendor/definition.yaml", p.read("products/vendor/definition.yaml") + "settings:\n  - { name: url, default: https://vendor.example }\n");
  await p.ok(["add", "vendor", "v1"]);
});

afterAll(() => p?.dispose());

describe("a throwing hook", () => {
  it("exits 1, names the hook title and the product, shows no stack", async () => {
    const r = await p.run(["produce", "boom", "v1"], { input: "x\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("hook 'Send to the vendor API'");
    expect(r.stderr).toContain("vendor");
    expect(r.stderr).toContain("vendor API refused the event (HTTP 401)");
    expect(r.stderr).toContain("instance.v1");
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toContain("internal error");
  });

  it("shows the stack with --debug", async () => {
    const r = await p.run(["produce", "boom", "v1", "--debug"], { input: "x\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("hook 'Send to the vendor API'");
    expect(r.stderr).toMatch(STACK_LINE);
    expect(r.stderr).toContain("deepInside");
  });

  it("a hook past its timeout fails cleanly with the timeout named", async () => {
    const started = Date.now();
    const r = await p.run(["produce", "slow", "v1"], { input: "x\n", timeoutMs: 30_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("hook 'Slow sender'");
    expect(r.stderr).toContain("timed out after 1s");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  // The error is printed after 1 s; the timer the hook left behind (25 s) must not keep the process alive.
  it("a timed-out hook that ignores its signal does not keep the CLI alive", async () => {
    const started = Date.now();
    const r = await p.run(["produce", "deaf", "v1"], { input: "x\n", timeoutMs: 15_000 });
    expect(r.stderr).toContain("hook 'Deaf sender'");
    expect(r.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

describe("YAML command hooks", () => {
  it("produce runs the command once per line with the context as JSON on stdin and prints its JSON result", async () => {
    p.remove("cmd.log");
    const r = await p.ok(["produce", "events", "v1"], p.root, { input: "a\n\nb\n" });
    expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([
      { got: "a", instance: "v1", url: "https://vendor.example" },
      { got: "b", instance: "v1", url: "https://vendor.example" },
    ]);
    const calls = p.lines("cmd.log").map((l) => JSON.parse(l) as { kind: string; data: string; cwd: string });
    expect(calls.map((c) => [c.kind, c.data])).toEqual([["produce", "a"], ["produce", "b"]]);
    expect(calls[0]!.cwd).toBe(p.path("products/vendor"));
  });

  it("trigger gets -p params in its JSON input", async () => {
    const r = await p.ok(["trigger", "isolate", "v1", "-p", "host=web1", "-p", "n=2"]);
    expect(JSON.parse(r.stdout)).toEqual({ got: { host: "web1", n: 2 }, instance: "v1", url: "https://vendor.example" });
  });

  it("a non-zero exit fails with the command's stderr, the hook's title and no stack", async () => {
    const r = await p.run(["produce", "failing", "v1"], { input: "x\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("run node scripts/fail.mjs");
    expect(r.stderr).toContain("upstream said 503: service unavailable");
    expect(r.stderr).toContain("code 4");
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("output that is not JSON fails cleanly", async () => {
    const r = await p.run(["produce", "garbage", "v1"], { input: "x\n" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("not JSON");
    expect(r.stderr).toContain("all good, 1 event sent");
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("the scripts folder is not loaded as hook files", async () => {
    const r = await p.ok(["list", "integrations", "--json"]);
    expect(r.stderr).not.toContain("scripts/");
    expect(p.lines("cmd.log").filter((l) => l.includes('"kind":"produce"')).length).toBeGreaterThan(0); // only from the runs above
  });
});
