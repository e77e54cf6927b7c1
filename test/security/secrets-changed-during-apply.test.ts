// Bug with security impact: an apply's hook creates a credential and stores it with setSecret;
// while the apply runs, another process writes secrets.gpg (`secrets set` on another instance).
// The apply then failed at its end ("secrets.gpg changed on disk … Run the command again") while
// the state already recorded the resource as ready: the credential was gone for good and `plan`
// said "No changes". Now the apply merges its change onto the current store (both writes
// survive), saves a hook's secrets before the state records its step, and a resource whose
// secrets could not be saved is tainted (plan shows it) with a non-zero exit naming it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";
import { addRecipient, keyEnvFor, testKey, waitForFile, waitForFileJs } from "./secrets-helpers.js";

let p: E2EProject;
let env: Record<string, string>;

beforeEach(async () => {
  p = await E2EProject.create({ svc: "" });
  const k = await testKey();
  env = keyEnvFor(p, k);
  addRecipient(p, k);
  // the hook creates a token, stores it, then waits for the test's "go" (the apply is running meanwhile)
  p.write("products/svc/hooks.ts", `import { existsSync, writeFileSync } from "node:fs";
import { setupInstance } from "meshroom/hooks";
setupInstance(async ({ instance }) => {
  await instance.setSecret("token", "tok-" + instance.name + "-4711");
  writeFileSync(${JSON.stringify(p.path("started"))}, "");
  ${waitForFileJs(p.path("go"))}
}, { title: "create the API token" });
`);
  await p.ok(["add", "svc", "s1"]);
  await p.ok(["secrets", "set", "instance:other", "SEED"], p.root, { input: "seed-1\n", env });
}, 120_000);

afterEach(() => p?.dispose());

describe("secrets.gpg written by another process while an apply runs", () => {
  it("keeps both the hook's secret and the other write; state ready; plan shows no changes", async () => {
    const apply = p.run(["apply", "--auto-approve"], { env, timeoutMs: 120_000 });
    await waitForFile(p, "started");
    const other = await p.run(["secrets", "set", "instance:other", "KEY"], { input: "v-other\n", env });
    expect(other.exitCode, other.stderr).toBe(0);
    p.write("go", "");
    const r = await apply;
    expect(r.exitCode, r.stderr).toBe(0);

    expect((await p.run(["secrets", "get", "instance:s1", "token"], { env })).stdout).toBe("tok-s1-4711\n");
    expect((await p.run(["secrets", "get", "instance:other", "KEY"], { env })).stdout).toBe("v-other\n");
    expect((await p.run(["secrets", "get", "instance:other", "SEED"], { env })).stdout).toBe("seed-1\n");
    const plan = await p.run(["plan"], { env });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  }, 180_000);

  it("a hook's secret that cannot be saved: the resource is tainted, plan shows it, apply exits non-zero naming it", async () => {
    const apply = p.run(["apply", "--auto-approve"], { env, timeoutMs: 120_000 });
    await waitForFile(p, "started");
    p.remove("recipients/sec.asc"); // the store can no longer be written (no recipient left)
    p.write("go", "");
    const r = await apply;
    const state = await p.run(["state", "show", "instance.s1"], { env });
    expect(state.stdout).toMatch(/"status": "tainted"/);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("instance.s1");
    expect(r.stderr).toContain("recipients/ holds no public key");

    const plan = await p.run(["plan"], { env });
    expect(plan.stdout).not.toContain("No changes.");
    expect(plan.stdout).toContain("instance.s1");
    expect(plan.stdout).toMatch(/tainted/);
  }, 180_000);
});
