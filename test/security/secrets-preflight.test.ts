// Bug with security impact: `apply` on a project whose secrets store cannot be written (no
// recipient: `secrets init` never run) ran every hook — daemons started, an API key created and
// handed to setSecret — then failed with "cannot save secrets: recipients/ holds no public key",
// the state saying every resource was ready and the key lost. Now apply checks the store before
// any hook runs and refuses with the command that fixes it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";
import { addRecipient, keyEnvFor, testKey } from "./secrets-helpers.js";

let p: E2EProject;

beforeEach(async () => {
  p = await E2EProject.create({ svc: "" });
  // the hook leaves a marker (what a real hook's side effect would be), then stores a credential
  p.write("products/svc/hooks.ts", `import { appendFileSync } from "node:fs";
import { setupInstance } from "meshroom/hooks";
setupInstance(async ({ instance }) => {
  appendFileSync(${JSON.stringify(p.path("hook-ran"))}, instance.name + "\\n");
  await instance.setSecret("api_key", "bouncer-key-0042");
}, { title: "start the daemon and create its key" });
`);
  await p.ok(["add", "svc", "s1"]);
  await p.ok(["add", "svc", "s2"]);
}, 120_000);

afterEach(() => p?.dispose());

describe("apply checks the secrets store before running any hook", () => {
  it("no recipient: refuses before any hook runs and names `meshroom secrets init`", async () => {
    const env = { XDG_CONFIG_HOME: p.path("../xdg") };
    const r = await p.run(["apply", "--auto-approve"], { env });
    expect(p.lines("hook-ran")).toEqual([]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("meshroom secrets init");
    expect(r.stderr).toContain("meshroom secrets recipients add");
    // nothing recorded: the plan still creates both instances
    const plan = await p.run(["plan"], { env });
    expect(plan.stdout).toMatch(/instance\.s1/);
    expect(plan.stdout).toMatch(/instance\.s2/);
    expect(plan.stdout).not.toContain("No changes.");
  }, 120_000);

  it("a store that cannot be decrypted (no private key): refuses before any hook runs and says how to give the key", async () => {
    const k = await testKey();
    const env = keyEnvFor(p, k);
    addRecipient(p, k);
    await p.ok(["secrets", "set", "instance:other", "SEED"], p.root, { input: "seed\n", env });
    const r = await p.run(["apply", "--auto-approve"], { env: { XDG_CONFIG_HOME: p.path("../xdg") } });
    expect(p.lines("hook-ran")).toEqual([]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("MESHROOM_GPG_KEY");
    expect(r.stderr).toContain("meshroom secrets init");
  }, 120_000);

  it("with a recipient and the key: the hooks run and their secrets are saved", async () => {
    const k = await testKey();
    const env = keyEnvFor(p, k);
    addRecipient(p, k);
    const r = await p.run(["apply", "--auto-approve"], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(p.lines("hook-ran").sort()).toEqual(["s1", "s2"]);
    expect((await p.run(["secrets", "get", "instance:s2", "api_key"], { env })).stdout).toBe("bouncer-key-0042\n");
  }, 120_000);
});
