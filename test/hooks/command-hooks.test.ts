import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHook, type HookEntry, type HookRegistry, type SecretAccess } from "../../src/hooks/index.js";
import { isAlive } from "../../src/exec/index.js";
import type { CommandHookDecl } from "../../src/model/index.js";
import { TempProject, only, rejection } from "./helpers.js";

let project: TempProject;
let reg: HookRegistry;
const hook = (title: string): HookEntry => only(reg, (e) => e.descriptor.title === title);
const ADDRESS = "plug.a.b.events.push";
const SECRET = "sk-command-secret-42";
const secrets: SecretAccess = {
  get: async (scope, name) => ("instance" in scope && name === "API_KEY" ? SECRET : "instance" in scope && name === "OTHER" ? "other-value" : undefined),
  set: async () => {},
  delete: async () => {},
};
const input = {
  instance: { name: "a", product: "p", settings: { url: "https://p.example" } },
  plug: { src: "a", dst: "b", topic: "events", mode: "push" as const, kind: "data" as const, settings: {} },
  integration: { product: "p", targetProduct: "q", topic: "events", role: "consumer" as const, mode: "push" as const },
};

beforeAll(async () => {
  project = new TempProject();
  project.write("products/p/scripts/echo.mjs", `
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const ctx = JSON.parse(s);
      process.stdout.write(JSON.stringify({ outputs: { kind: ctx.kind, address: ctx.address, url: ctx.instance.settings.url,
        secrets: ctx.instance.secrets ?? null, plugSecrets: ctx.plug.secrets ?? null, target: ctx.integration.targetProduct,
        cwd: process.cwd(), env: process.env.MESHROOM_HOOK_KIND } }) + "\\n");
    });
  `);
  project.write("products/p/scripts/fail.mjs", `process.stderr.write("warming up\\nAPI refused key ${SECRET}\\n"); process.exit(3);`);
  project.write("products/p/scripts/garbage.mjs", `console.log("Done! created intake");`);
  project.write("products/p/hang.sh", `#!/bin/sh\nsleep 60 &\necho $! > "$1"\nwait\n`);
  const pidFile = project.path("grandchild.pid");
  const decls: CommandHookDecl[] = [
    { kind: "setup", role: "consumer", topic: "events", run: ["node", "./scripts/echo.mjs"], title: "echo", secrets: ["API_KEY"] },
    { kind: "setup", role: "consumer", topic: "nosecrets", run: ["node", "./scripts/echo.mjs"], title: "echo-nosecrets" },
    { kind: "setup", role: "consumer", topic: "events", run: ["node", "./scripts/fail.mjs"], title: "fail" },
    { kind: "setup", role: "consumer", topic: "events", run: ["node", "./scripts/garbage.mjs"], title: "garbage" },
    { kind: "setup", role: "consumer", topic: "events", run: ["sh", "./hang.sh", pidFile], title: "hang", timeout: 1 },
  ];
  reg = await project.load(["p"], { p: decls });
});
afterAll(() => project.cleanup());

describe("command hooks", () => {
  it("get the context as JSON on stdin, with declared secrets only, and return JSON outputs", async () => {
    const r = await runHook(hook("echo"), input, { address: ADDRESS, secrets });
    expect(r.outputs).toEqual({
      kind: "setup", address: ADDRESS, url: "https://p.example", secrets: { API_KEY: SECRET }, plugSecrets: {}, target: "q",
      cwd: project.path("products/p"), env: "setup",
    });
    const r2 = await runHook(hook("echo-nosecrets"), input, { address: ADDRESS, secrets });
    expect(r2.outputs).toMatchObject({ secrets: null, plugSecrets: null });
  });

  it("fail on a non-zero exit with stderr as the (redacted) message", async () => {
    await runHook(hook("echo"), input, { address: ADDRESS, secrets }); // the store has handed out SECRET: it is now redacted
    const e = await rejection(runHook(hook("fail"), input, { address: ADDRESS, secrets }));
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("node ./scripts/fail.mjs exited with code 3");
    expect(e.message).toContain("API refused key (sensitive value)");
    expect(e.message).not.toContain(SECRET);
    expect(e.message).toContain(ADDRESS);
  });

  it("fail when stdout is not JSON", async () => {
    const e = await rejection(runHook(hook("garbage"), input, { address: ADDRESS }));
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("printed something that is not JSON");
    expect(e.message).toContain("Done! created intake");
  });

  it("time out and kill the command with everything it started", async () => {
    const e = await rejection(runHook(hook("hang"), input, { address: ADDRESS }));
    expect(e.code).toBe("E_HOOK_TIMEOUT");
    const pid = Number(readFileSync(project.path("grandchild.pid"), "utf8"));
    await expect.poll(() => isAlive(pid), { timeout: 3000 }).toBe(false);
  });
});
