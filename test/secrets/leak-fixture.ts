// A throwaway project for the secret-leak test: two products whose TypeScript hooks read
// secrets, log them, put them in outputs, issue a new one and throw an error holding one.
// Every run of the real binary is recorded so the test can grep all that meshroom printed.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { execa } from "execa";
import { BIN, assertBuilt } from "../e2e/helpers.js";

/** The secret values the test knows; none may appear outside secrets.gpg. */
export const SECRETS = {
  edrKey: "edr-api-key-7Q2vX9",
  siem1Key: 'siem1-"api\\key-K4pL0', // a quote and a backslash: escaped in JSON, so greps look for that form too
  siem2First: "siem2-first-key-Zx81",
  siem2Key: "siem2-api-key-Wm55r",
  intakeKey: "intake-plug-key-Hd3s",
  issued: "issued-by-hook-Nc62t",
  edrRotated: "edr-rotated-key-Pb19",
} as const;
export const PASSPHRASE = "leak-test-passphrase-Yy7";

export interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

const EDR = `name: edr
settings:
  - { name: url, default: "https://edr.example" }
  - { name: API_KEY, secret: true }
produces:
  events: [{}]
`;

const SIEM = `name: siem
settings:
  - { name: API_KEY, secret: true }
consumes:
  events: [{}]
`;

const EDR_HOOKS = `import { setupInstance, teardownInstance, readInstance, produce } from "meshroom/hooks";
// A stray promise that rejects after the hook returned: Node itself would print its message.
produce("stray", async ({ instance }) => {
  const v = await instance.getSecret("API_KEY");
  void Promise.reject(new Error("late failure with " + v));
  await new Promise((r) => setTimeout(r, 200));
});
setupInstance(async ({ instance, log }) => {
  const v = await instance.getSecret("API_KEY");
  log.info("key is " + v);
  console.log("console says key is " + v); // hooks run in-process: console output is the CLI's too
  console.error("console error with", new Error("stray " + v).message);
  return { outputs: { token: v, url: instance.settings.url } };
}, { title: "Register the edr tenant" });
readInstance(async ({ instance, outputs }) => ({ exists: true, outputs: { ...outputs, token: await instance.getSecret("API_KEY") } }));
teardownInstance(async ({ instance, outputs, log }) => {
  log.info("unregistering " + String(outputs.token) + " with " + (await instance.getSecret("API_KEY")));
});
`;

const SIEM_HOOKS = `import { setupInstance } from "meshroom/hooks";
setupInstance(async ({ instance, log }) => {
  const v = await instance.getSecret("API_KEY");
  log.warn("siem key " + v);
  if (instance.name === "siem2") throw new Error("login refused for API key " + v);
  return { outputs: { session: "s-" + v } };
}, { title: "Log in to the siem" });
`;

const PLUG_INTEGRATION = `topic: events
role: producer
plug_settings:
  - { name: intake_key, secret: true }
`;

// The issued value is assembled at run time: the hook's source must not contain it.
const ISSUED_PARTS = SECRETS.issued.split("-");
const PLUG_HOOKS = `import { setup, teardown } from "meshroom/hooks";
const ISSUED = ${JSON.stringify(ISSUED_PARTS)}.join("-");
setup(async ({ plug, log }) => {
  const k = await plug.getSecret("intake_key");
  log.info("intake key is " + k);
  await plug.setSecret("issued", ISSUED);
  return { outputs: { token: k, issued: ISSUED } };
}, { ownsBoth: true, title: "Create the intake" });
teardown(async ({ plug, outputs, log }) => {
  log.info("removing " + String(outputs.issued) + " / " + (await plug.getSecret("issued")));
  await plug.deleteSecret("issued");
}, { ownsBoth: true, title: "Delete the intake" });
`;

export class LeakProject {
  readonly base = mkdtempSync(join(tmpdir(), "mr-leak-"));
  readonly root = join(this.base, "proj");
  readonly runs: Run[] = [];
  private readonly env: Record<string, string>;

  constructor() {
    assertBuilt();
    this.env = {
      PATH: process.env.PATH ?? "",
      HOME: join(this.base, "home"),
      XDG_CONFIG_HOME: join(this.base, "xdg"),
      MESHROOM_PASSPHRASE: PASSPHRASE,
      CI: "true",
      NO_COLOR: "1",
    };
  }

  /** Runs the built binary in the project; recorded unless `record` is false (e.g. `secrets get`). */
  async run(args: string[], input = "", record = true): Promise<Run> {
    const r = await execa(process.execPath, [BIN, ...args], {
      cwd: this.root, reject: false, input, timeout: 60_000, extendEnv: false, env: this.env,
    });
    if (r.timedOut) throw new Error(`meshroom ${args.join(" ")} timed out`);
    const run = { args, code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    if (record) this.runs.push(run);
    return run;
  }

  async ok(args: string[], input = ""): Promise<Run> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  }

  write(rel: string, text: string): void {
    const f = join(this.root, rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), "utf8");
  }

  /** init, secrets init, products with hooks. */
  async create(): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    await this.ok(["init", "."]);
    await this.ok(["secrets", "init", "--name", "Leak Tester", "--email", "leak@example.test"]);
    for (const [name, def, hooks] of [["edr", EDR, EDR_HOOKS], ["siem", SIEM, SIEM_HOOKS]] as const) {
      await this.ok(["create", "product", name]);
      this.write(`products/${name}/definition.yaml`, def);
      this.write(`products/${name}/hooks.ts`, hooks);
    }
    this.write("products/edr/integrations/siem/events_producer.yaml", PLUG_INTEGRATION);
    this.write("products/edr/integrations/siem/events_producer.ts", PLUG_HOOKS);
  }

  /** Every file under the project (relative path → content), except secrets.gpg. */
  files(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && !(d === this.root && e.name === "secrets.gpg")) out.set(relative(this.root, p), readFileSync(p, "latin1"));
      }
    };
    walk(this.root);
    return out;
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
