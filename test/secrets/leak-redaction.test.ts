// The pieces the leak test (leak.slow.test.ts) relies on, checked fast and in-process:
// deep redaction of outputs, how plans show secrets, the process-output guard, and that
// commands which need no secret never load openpgp.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { guardProcessOutput, writeUnredacted } from "../../src/cli/output-guard.js";
import { renderPlanJson, renderPlanText } from "../../src/cli/views/plan-view.js";
import type { Plan, PlanChange } from "../../src/plan/index.js";
import { REDACTED, redactValue, registerSecretValue } from "../../src/util/redact.js";
import { addRecipientFileRaw, keyEnv, makeKey, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/secrets/openpgp.js", async (orig) => {
  const real = await orig<typeof import("../../src/secrets/openpgp.js")>();
  return { loadOpenPGP: () => (loads.count++, real.loadOpenPGP()) };
});

describe("redactValue", () => {
  it("redacts values and keys at any depth, also secrets that JSON would escape", () => {
    const tricky = 'quo"te\\back-91xq';
    registerSecretValue(tricky);
    registerSecretValue("plain-secret-77ab");
    const out = redactValue({
      token: tricky,
      nested: [{ s: `s-${tricky}-e` }, 3, null, true],
      ["plain-secret-77ab"]: "key position",
      keep: "nothing secret",
    });
    expect(out).toEqual({
      token: REDACTED,
      nested: [{ s: `s-${REDACTED}-e` }, 3, null, true],
      [REDACTED]: "key position",
      keep: "nothing secret",
    });
    expect(JSON.stringify(out)).not.toContain("91xq");
  });
});

function secretChange(before: string | undefined, after: string | undefined): PlanChange {
  const values = (h: string | undefined) => ({ inputs: { name: "edr1", product: "edr" }, secret_hmacs: h === undefined ? ({} as Record<string, string>) : { API_KEY: h } });
  const field = { path: "secrets.API_KEY", sensitive: true, ...(before ? { before } : {}), ...(after ? { after } : {}) };
  return {
    address: "instance.edr1", type: "meshroom_instance", action: "replace", reason: "replace_because_cannot_update",
    before: values(before), after: values(after), fields: [field], dependencies: [], priorDependencies: [],
  };
}
const planOf = (changes: PlanChange[]): Plan => ({
  mode: "normal", changes, drift: [], lineage: "l", serial: 1, summary: { add: changes.length, change: 0, destroy: changes.length, noop: 0 },
});

describe("plans show a changed secret as (sensitive value changed), never its HMAC", () => {
  const H1 = "a".repeat(64);
  const H2 = "b".repeat(64);

  it("human plan", () => {
    const text = renderPlanText(planOf([secretChange(H1, H2)]), false).join("\n");
    expect(text).toMatch(/~ secrets\.API_KEY = \(sensitive value changed\)$/m);
    const added = renderPlanText(planOf([secretChange(undefined, H2)]), false).join("\n");
    expect(added).toMatch(/\+ secrets\.API_KEY = \(sensitive value\)$/m);
    for (const t of [text, added]) expect(t).not.toMatch(/aaaa|bbbb/);
  });

  it("JSON plan", () => {
    const doc = renderPlanJson(planOf([secretChange(H1, H2)])) as { resource_changes: Array<{ change: { before: { secrets: unknown }; after: { secrets: unknown } } }> };
    expect(doc.resource_changes[0]!.change.before.secrets).toEqual({ API_KEY: REDACTED });
    expect(doc.resource_changes[0]!.change.after.secrets).toEqual({ API_KEY: "(sensitive value changed)" });
    const same = renderPlanJson(planOf([secretChange(H1, H1)])) as typeof doc;
    expect(same.resource_changes[0]!.change.after.secrets).toEqual({ API_KEY: REDACTED });
    expect(JSON.stringify(doc)).not.toMatch(/aaaa|bbbb/);
  });
});

describe("the process-output guard (console output of in-process hooks)", () => {
  it("redacts strings and buffers written to the stream; writeUnredacted bypasses it", () => {
    registerSecretValue("guarded-secret-5k2");
    const sink = new PassThrough();
    let got = "";
    sink.on("data", (c: Buffer) => (got += c.toString()));
    guardProcessOutput(sink as unknown as NodeJS.WriteStream);
    guardProcessOutput(sink as unknown as NodeJS.WriteStream); // idempotent
    sink.write("a guarded-secret-5k2 b\n");
    sink.write(Buffer.from("buf guarded-secret-5k2\n"));
    writeUnredacted(sink, "guarded-secret-5k2\n");
    expect(got).toBe(`a ${REDACTED} b\nbuf ${REDACTED}\nguarded-secret-5k2\n`);
  });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ""): Promise<{ code: number; stderr: string }> {
  const out = new PassThrough().resume();
  const err = new PassThrough();
  let stderr = "";
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await main(args, { stdin: Readable.from([Buffer.from(stdin)]), stdout: out, stderr: err, env: { CI: "true", ...env } });
  return { code, stderr };
}

describe("commands that need no secret do not load openpgp", () => {
  it("list, validate and plan on a project without secrets.gpg; list and validate on one with it", async () => {
    const base = await tempDir();
    const root = join(base, "p");
    expect((await run(["init", root])).code).toBe(0);
    await mkdir(join(root, "products", "edr"), { recursive: true });
    await writeFile(join(root, "products", "edr", "definition.yaml"), "name: edr\nsettings:\n  - { name: API_KEY, secret: true }\n  - { name: region, default: eu }\nproduces:\n  events: [{}]\n");
    await mkdir(join(root, "products", "siem"), { recursive: true });
    await writeFile(join(root, "products", "siem", "definition.yaml"), "name: siem\nconsumes:\n  events: [{}]\n");
    loads.count = 0;
    expect((await run(["-p", root, "add", "siem", "siem1"])).code).toBe(0);
    for (const args of [["list", "instances"], ["list", "products", "--json"], ["validate"], ["plan"], ["plan", "--json"]]) {
      const r = await run(["-p", root, ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    expect(loads.count).toBe(0);

    // Now with a store: adding a secret loads openpgp; listing and validating still do not.
    const key = await makeKey("Lazy", "lazy pass");
    await addRecipientFileRaw(root, "lazy", key);
    const env = await keyEnv(base, key, { MESHROOM_PASSPHRASE: "lazy pass" });
    expect((await run(["-p", root, "add", "edr", "edr1", "-s", "API_KEY"], env, "lazy-cli-secret-1\n")).code).toBe(0);
    expect(loads.count).toBeGreaterThan(0);
    loads.count = 0;
    for (const args of [["list", "instances", "--json"], ["list", "plugs"], ["validate"]]) {
      expect((await run(["-p", root, ...args], env)).code, args.join(" ")).toBe(0);
    }
    expect(loads.count).toBe(0);
    // plan compares secret HMACs, so it does open the store.
    expect((await run(["-p", root, "plan"], env)).code).toBe(0);
    expect(loads.count).toBeGreaterThan(0);
  });
});
