// Secrets live as long as what they belong to (issue 20, item 7): a plug's or an instance's
// secrets are deleted once apply has torn it down, never before (its teardown needs them).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject, meshroom, ok, tempDir } from "./helpers.js";

let root: string;
let env: Record<string, string>;

const DEFINITION = `name: vault
settings:
  - { name: API_KEY, secret: true, required: true }
produces: { events: [{}] }
consumes: { events: [{}] }
`;

// every teardown fails unless the secret its setup needed is still in the store
const HOOKS = `import { setupInstance, teardownInstance, setupProducer, teardownProducer, setupConsumer, teardownConsumer } from "meshroom/hooks";
setupInstance(async ({ instance }) => { if (!(await instance.getSecret("API_KEY"))) throw new Error("no API_KEY at setup"); return {}; });
teardownInstance(async ({ instance }) => { if (!(await instance.getSecret("API_KEY"))) throw new Error("teardown of " + instance.name + " needs API_KEY: it was deleted"); });
setupProducer("events", async () => ({ outputs: {} }));
teardownProducer("events", async () => {});
setupConsumer("events", async ({ plug }) => { await plug.setSecret("intake_key", "ik-" + plug.src); return { outputs: {} }; });
teardownConsumer("events", async ({ plug }) => { if (!(await plug.getSecret("intake_key"))) throw new Error("teardown needs intake_key: it was deleted"); });
`;

async function secretsList(): Promise<string[]> {
  const r = await ok(["-p", root, "secrets", "list", "--json"], { env });
  return (JSON.parse(r.stdout) as { secrets: Array<{ scope: Record<string, string>; name: string }> }).secrets.map(
    (e) => `${Object.entries(e.scope).map(([k, v]) => `${k}:${v}`).join("")} ${e.name}`,
  );
}

beforeAll(async () => {
  root = await initProject();
  env = { XDG_CONFIG_HOME: join(tempDir("mr-key-"), "xdg"), MESHROOM_PASSPHRASE: "lifetime test" };
  mkdirSync(join(root, "products/vault"), { recursive: true });
  writeFileSync(join(root, "products/vault/definition.yaml"), DEFINITION);
  writeFileSync(join(root, "products/vault/hooks.ts"), HOOKS);
  await ok(["-p", root, "secrets", "init"], { env });
  await ok(["-p", root, "add", "vault", "a", "-s", "API_KEY"], { env, input: "key-of-a\n" });
  await ok(["-p", root, "add", "vault", "b", "-s", "API_KEY"], { env, input: "key-of-b\n" });
  await ok(["-p", root, "plug", "events", "a", "b"], { env });
  await ok(["-p", root, "apply", "--auto-approve"], { env });
}, 120_000);

describe("secrets lifetime", () => {
  it("keeps a plug's secrets through unplug, and deletes them once apply tore the plug down", async () => {
    expect(await secretsList()).toContain("plug:plug.a.b.events.push intake_key");
    await ok(["-p", root, "unplug", "events", "a", "b"], { env });
    expect(await secretsList()).toContain("plug:plug.a.b.events.push intake_key");
    const r = await ok(["-p", root, "apply", "--auto-approve"], { env });
    expect(r.stdout).toContain("Destruction complete");
    expect(await secretsList()).toEqual(["instance:a API_KEY", "instance:b API_KEY"]);
  });

  it("destroy keeps the secrets of instances the project still declares", async () => {
    await ok(["-p", root, "destroy", "--auto-approve"], { env });
    expect(await secretsList()).toEqual(["instance:a API_KEY", "instance:b API_KEY"]);
    await ok(["-p", root, "apply", "--auto-approve"], { env });
  });

  it("remove --force keeps an applied instance's secrets until apply's teardown succeeded", async () => {
    await ok(["-p", root, "remove", "b", "--force"], { env });
    expect(await secretsList()).toContain("instance:b API_KEY");
    const r = await meshroom(["-p", root, "apply", "--auto-approve"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await secretsList()).toEqual(["instance:a API_KEY"]);
  });

  it("a teardown that fails keeps the secrets for the next try", async () => {
    writeFileSync(join(root, "products/vault/hooks.ts"), HOOKS.replace('teardownInstance(async ({ instance }) => {', 'teardownInstance(async ({ instance }) => { throw new Error("tenant unreachable");'));
    await ok(["-p", root, "remove", "a", "--force"], { env });
    const r = await meshroom(["-p", root, "apply", "--auto-approve"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tenant unreachable");
    expect(await secretsList()).toEqual(["instance:a API_KEY"]);
    writeFileSync(join(root, "products/vault/hooks.ts"), HOOKS);
    await ok(["-p", root, "apply", "--auto-approve"], { env });
    expect(await secretsList()).toEqual([]);
  });

  it("remove of an instance the state does not hold deletes its secrets at once", async () => {
    await ok(["-p", root, "add", "vault", "c", "-s", "API_KEY"], { env, input: "key-of-c\n" });
    expect(await secretsList()).toEqual(["instance:c API_KEY"]);
    await ok(["-p", root, "remove", "c"], { env });
    expect(await secretsList()).toEqual([]);
  });
});
