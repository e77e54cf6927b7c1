import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ResourceRuntime, ResourceStep } from "../../src/apply/index.js";
import { secretsNeedsOf } from "../../src/engine/deploy/secrets-preflight.js";
import type { HookDescriptor } from "../../src/model/index.js";
import type { Plan } from "../../src/plan/index.js";
import { MeshState } from "../../src/state/index.js";

const root = mkdtempSync(join(tmpdir(), "meshroom-preflight-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(rel: string, text: string): string {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
  return rel;
}

function hook(title: string, source: string): HookDescriptor {
  return { id: `${source}#${title}`, kind: "setupInstance", product: "p", ownsBoth: false, keepWhenOverloaded: false, title, timeout: 300, source };
}

/** A runtime whose setup steps call the given hooks, whatever the resource. */
function runtimeCalling(hooks: HookDescriptor[]): ResourceRuntime {
  const steps = (): ResourceStep[] => hooks.map((h) => ({ id: h.id, title: h.title, phase: "setup", hook: h, run: async () => undefined }));
  return { setupSteps: steps, updateSteps: () => [], teardownSteps: () => [], canUpdate: () => false };
}

const createPlan = { mode: "normal", changes: [{ action: "create", address: "instance.a", type: "meshroom_instance", after: { inputs: {} }, dependencies: [] }] } as unknown as Plan;
const needs = (hooks: HookDescriptor[], plan = createPlan) => secretsNeedsOf(root, plan, runtimeCalling(hooks), MeshState.empty());

describe("which secrets a plan's hooks may need", () => {
  it("none for hooks that never mention secrets", () => {
    expect(needs([hook("plain", file("products/p/plain.ts", `setupInstance(async () => { return { outputs: {} }; });`))])).toMatchObject({ read: false, write: false });
  });

  it("write for a hook file calling setSecret, or importing a project file that does", () => {
    file("lib/keys.ts", `export async function store(plug) { await plug.setSecret("k", "v"); }`);
    const viaLib = hook("via lib", file("products/p/lib-user.ts", `import { store } from "../../lib/keys.js";\nsetupInstance(store);`));
    expect(needs([viaLib])).toEqual({ read: false, write: true, hooks: ["'via lib' (products/p/lib-user.ts)"] });
  });

  it("read for getSecret, and for a YAML command hook declaring secrets", () => {
    expect(needs([hook("reader", file("products/p/reader.ts", `const k = await instance.getSecret("API_KEY");`))])).toMatchObject({ read: true, write: false });
    const yaml = file("products/q/definition.yaml", `hooks:\n  - { kind: setupInstance, run: ["./x.sh"], secrets: [API_KEY] }\n`);
    expect(needs([hook("cmd", yaml)])).toMatchObject({ read: true, write: false });
  });

  it("nothing for a refresh-only plan (no hook runs)", () => {
    const refresh = { ...createPlan, mode: "refresh-only" } as Plan;
    expect(needs([hook("w", file("products/p/w.ts", `await plug.setSecret("a", "b");`))], refresh)).toMatchObject({ read: false, write: false });
  });
});
