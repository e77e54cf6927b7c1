// An integration manifest's `settings:` written as in seed 003 — a list of setting definitions,
// like a product's — declares that end's plug settings, which `plug` asks for (issue 20, item 3).
// The older `plug_settings:` list and a `settings:` map of fixed values stay readable.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject, meshroom, ok, read, tempDir } from "./helpers.js";

let root: string;
let env: Record<string, string>;
const INTEGRATION = "products/mysiem/integrations/myedr/events_consumer_ecs.yaml";

beforeAll(async () => {
  root = await initProject();
  env = { XDG_CONFIG_HOME: join(tempDir("mr-key-"), "xdg"), MESHROOM_PASSPHRASE: "settings test" };
  await ok(["-p", root, "secrets", "init"], { env });
  await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
  await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
  await ok(["-p", root, "create", "integration", "mysiem", "myedr", "events", "consumer", "--format", "ecs"]);
  await ok(["-p", root, "add", "myedr", "edr1", "-c", "API_URL=https://edr.example"]);
  await ok(["-p", root, "add", "mysiem", "siem1", "-c", "API_URL=https://siem.example"]);
}, 60_000);

describe("integration settings as seed 003 writes them", () => {
  it("create integration writes the seed's form", () => {
    expect(read(root, INTEGRATION)).toMatch(/^settings: \[\]$/m);
  });

  it("a settings list is the plug settings of that end: plug asks for them, names them when missing", async () => {
    writeFileSync(
      join(root, INTEGRATION),
      "topic: events\nrole: consumer\nformat: ecs\nsettings:\n  - { name: index, required: true, description: where events go }\n  - { name: batch, type: integer, default: 100 }\n  - { name: intake_key, secret: true, required: true }\n",
    );
    expect((await meshroom(["-p", root, "validate"])).code).toBe(0);
    const missing = await meshroom(["-p", root, "plug", "events", "edr1", "siem1"], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("plug settings required: dst.index, dst.intake_key");

    const wrong = await meshroom(["-p", root, "plug", "events", "edr1", "siem1", "-c", "dst.index=main", "-s", "API_KEY"], { env, input: "x\n" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('this plug has no secret setting "API_KEY"');
    expect(wrong.stderr).toContain("its secret settings: intake_key");

    await ok(["-p", root, "plug", "events", "edr1", "siem1", "-c", "dst.index=main", "-s", "intake_key"], { env, input: "ik-123456\n" });
    const plug = read(root, "instances/myedr/edr1/plugs/siem1/events.yaml");
    expect(plug).toMatch(/index: main/);
    expect(plug).toMatch(/batch: 100/);
    expect(plug).not.toContain("ik-123456");
    const secrets = await ok(["-p", root, "secrets", "list"], { env });
    expect(secrets.stdout).toContain("intake_key");
    await ok(["-p", root, "unplug", "events", "edr1", "siem1"]);
  });

  it("the plug_settings list and a settings map of fixed values are still read", async () => {
    writeFileSync(join(root, INTEGRATION), "topic: events\nrole: consumer\nformat: ecs\nplug_settings:\n  - { name: index, required: true }\nsettings:\n  retention_days: 30\n");
    expect((await meshroom(["-p", root, "validate"])).code).toBe(0);
    const r = await meshroom(["-p", root, "plug", "events", "edr1", "siem1"]);
    expect(r.stderr).toContain("plug settings required: dst.index");
  });

  it("a setting declared in both lists is reported", async () => {
    writeFileSync(join(root, INTEGRATION), "topic: events\nrole: consumer\nformat: ecs\nplug_settings:\n  - { name: index }\nsettings:\n  - { name: index }\n");
    const r = await meshroom(["-p", root, "validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("plug setting index is declared twice");
  });
});
