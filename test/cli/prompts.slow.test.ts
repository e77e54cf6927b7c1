// Prompts as the seeds describe them (issue 20, item 4), on a real pseudo-terminal: `add` asks
// for every setting (defaults shown) and secret, `configure` for every setting with the current
// value as default, `plug` for the integration's settings, `up` for required values still
// missing; without a terminal, each missing value is named in an error.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PtySession } from "../support/pty.js";
import { BIN, initProject, meshroom, ok, read, tempDir } from "./helpers.js";

let root: string;
let env: Record<string, string>;

/** `meshroom ARGS` on a pty, CI unset (the helpers' `meshroom` runs with CI=true and no TTY). */
function onTerminal(args: string[]): PtySession {
  return new PtySession(process.execPath, [BIN, "-p", root, ...args], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env } });
}

async function secretNames(): Promise<string[]> {
  const r = await ok(["-p", root, "secrets", "list", "--json"], { env });
  return (JSON.parse(r.stdout) as { secrets: Array<{ scope: Record<string, string>; name: string }> }).secrets.map((e) => `${Object.values(e.scope).join("")}/${e.name}`);
}

beforeAll(async () => {
  root = await initProject();
  const home = tempDir("mr-pty-home-");
  env = { HOME: home, XDG_CONFIG_HOME: join(home, "xdg"), MESHROOM_PASSPHRASE: "pty test", NO_COLOR: "1" };
  await ok(["-p", root, "secrets", "init"], { env });
  await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
  await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
  await ok(["-p", root, "add", "myedr", "edr1", "-c", "API_URL=https://edr.example"], { env });
}, 60_000);

describe("prompts on a terminal", () => {
  it("add asks for every setting, optional ones with their default, and every secret (hidden)", async () => {
    const t = onTerminal(["add", "mysiem", "siem1"]);
    await t.expect("API_URL (base URL of the SIEM API)");
    t.type("https://siem.example\r");
    await t.expect(/API_KEY \(API key or token used by meshroom's hooks\) \[optional, leave empty to skip\]/);
    t.type("s1em-k3y-value\r");
    await t.expect(/verify_tls \(check the server's TLS certificate\) \[optional\] \(true\)/);
    t.type("\r");
    const r = await t.exit();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("Added instance siem1 of mysiem");
    expect(r.output).not.toContain("s1em-k3y-value");
    const config = read(root, "instances/mysiem/siem1/config.yaml");
    expect(config).toMatch(/API_URL: https:\/\/siem\.example/);
    expect(config).toMatch(/verify_tls: true/);
    expect(await secretNames()).toContain("siem1/API_KEY");
  }, 120_000);

  it("configure with no flag asks for every setting, the current value as default", async () => {
    const t = onTerminal(["configure", "siem1"]);
    await t.expect("API_URL (base URL of the SIEM API) (https://siem.example)");
    t.type("\r");
    await t.expect("[leave empty to keep]");
    t.type("\r");
    await t.expect("verify_tls (check the server's TLS certificate) [optional] (true)");
    t.type("false\r");
    const r = await t.exit();
    expect(r.code, r.output).toBe(0);
    const config = read(root, "instances/mysiem/siem1/config.yaml");
    expect(config).toMatch(/API_URL: https:\/\/siem\.example/);
    expect(config).toMatch(/verify_tls: false/);
    expect(await secretNames()).toContain("siem1/API_KEY");
  }, 120_000);

  it("up asks for a required setting still missing, stores it, then applies", async () => {
    const file = join(root, "instances/myedr/edr1/config.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\s*API_URL:.*\n/m, ""));
    const t = onTerminal(["up"]);
    await t.expect("instance edr1 (myedr) needs setting API_URL");
    t.type("https://edr2.example\r");
    await t.expect("Apply complete!");
    const r = await t.exit();
    expect(r.code, r.output).toBe(0);
    expect(read(root, "instances/myedr/edr1/config.yaml")).toMatch(/API_URL: https:\/\/edr2\.example/);
  }, 120_000);

  it("plug asks for the integration's settings", async () => {
    await ok(["-p", root, "create", "integration", "mysiem", "myedr", "events", "consumer", "--format", "ecs"]);
    writeFileSync(
      join(root, "products/mysiem/integrations/myedr/events_consumer_ecs.yaml"),
      "topic: events\nrole: consumer\nformat: ecs\nsettings:\n  - { name: index, required: true, description: where events go }\n  - { name: intake_key, secret: true }\n",
    );
    const t = onTerminal(["plug", "events", "edr1", "siem1"]);
    await t.expect("index (where events go)");
    t.type("main\r");
    await t.expect("intake_key");
    t.type("ik-9876543\r");
    const r = await t.exit();
    expect(r.code, r.output).toBe(0);
    expect(read(root, "instances/myedr/edr1/plugs/siem1/events.yaml")).toMatch(/index: main/);
    expect(await secretNames()).toContain("plug.edr1.siem1.events.push/intake_key");
  }, 120_000);
});

describe("without a terminal", () => {
  it("up names each required value still missing and how to give it", async () => {
    const file = join(root, "instances/myedr/edr1/config.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\s*API_URL:.*\n/m, ""));
    writeFileSync(join(root, "products/mysiem/definition.yaml"), read(root, "products/mysiem/definition.yaml").replace("- name: API_KEY\n", "- name: API_KEY\n    required: true\n"));
    await ok(["-p", root, "secrets", "rm", "instance:siem1", "API_KEY"], { env });
    const r = await meshroom(["-p", root, "up"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: 2 required values are missing");
    expect(r.stderr).toContain("instance edr1: setting API_URL (meshroom configure edr1 -c API_URL=…)");
    expect(r.stderr).toContain(`instance siem1: secret API_KEY (printf '%s\\n' "$VALUE" | meshroom configure siem1 -s API_KEY)`);
    expect((await meshroom(["-p", root, "configure", "edr1"], { env })).stderr).toContain("nothing to configure");
    // the fixes it names work, though the project is invalid until then
    await ok(["-p", root, "configure", "edr1", "-c", "API_URL=https://edr3.example"], { env });
    await ok(["-p", root, "configure", "siem1", "-s", "API_KEY"], { env, input: "n3w-key-value\n" });
    expect((await meshroom(["-p", root, "plan"], { env })).code).toBe(0);
  }, 60_000);
});
