// `create product --lang py` and `create integration --lang py` write starter Python hook files
// that load as they are (their decorators register the hooks the comments describe).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { closePythonHosts } from "../../src/hooks/python/python-host.js";

vi.setConfig({ testTimeout: 120_000 });
const base = mkdtempSync(join(tmpdir(), "mr-pystart-"));
afterAll(() => {
  closePythonHosts();
  rmSync(base, { recursive: true, force: true });
});

async function cli(root: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = "";
  stdout.on("data", (d) => (out += String(d)));
  stderr.on("data", (d) => (out += String(d)));
  const code = await main(["-p", root, "--no-color", ...args], { stdin, stdout, stderr, env: { ...process.env, CI: "true" } });
  process.exitCode = undefined;
  return { code, out };
}

describe("Python starters", () => {
  it("create product --lang py writes hooks.py; create integration --lang py a <stem>.py; both register", async () => {
    const root = join(base, "p");
    expect((await cli(base, "init", root)).code).toBe(0);
    expect((await cli(root, "create", "product", "myedr", "--from", "edr", "--lang", "py")).code).toBe(0);
    expect(existsSync(join(root, "products/myedr/hooks.py"))).toBe(true);
    expect(existsSync(join(root, "products/myedr/hooks.ts"))).toBe(false);
    expect((await cli(root, "create", "product", "siem")).code).toBe(0);
    const created = await cli(root, "create", "integration", "myedr", "siem", "alerts", "producer", "--lang", "py");
    expect(created.code, created.out).toBe(0);
    expect(created.out).toContain("starter hooks: products/myedr/integrations/siem/alerts_producer.py");
    expect(readFileSync(join(root, "products/myedr/integrations/siem/alerts_producer.py"), "utf8")).toContain("@setup()");

    const list = await cli(root, "list", "integrations", "myedr", "--json");
    expect(list.code, list.out).toBe(0);
    const rows = JSON.parse(list.out) as Array<{ target: string; topic: string; role: string; hooks: Array<{ kind: string; title: string; source: string }> }>;
    const alerts = rows.find((r) => r.target === "siem" && r.topic === "alerts" && r.role === "producer")!;
    expect(alerts.hooks.map((h) => [h.kind, h.title, h.source])).toEqual([
      ["setup", "setup_alerts_producer", "products/myedr/integrations/siem/alerts_producer.py"],
      ["teardown", "teardown_alerts_producer", "products/myedr/integrations/siem/alerts_producer.py"],
    ]);
    const bad = await cli(root, "create", "product", "x", "--lang", "rb");
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("--lang must be one of ts, py");
  });
});
