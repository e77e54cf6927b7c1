// Attack: meshroom's environment holds its own credentials (MESHROOM_PASSPHRASE unlocks the
// secrets store, MESHROOM_PG_CONN_STR carries the PostgreSQL password) and often the user's
// other tokens. Every program a hook starts inherited all of it, and a daemon a hook started
// (the quickstart's intake) kept it in /proc/<pid>/environ for its whole life: any hook, or
// anyone able to read that daemon's /proc entry, got the passphrase, whatever the hook's
// `secrets:` list said. Now a hook's programs get PATH, HOME, the locale, TZ and TMPDIR, plus
// the names the hook declares in `env`, and never meshroom's credentials.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";

const PASSPHRASE = "env-leak-passphrase-Qz81";
const PG_CONN = "postgres://meshroom:pg-password-Lk42@db.example:5432/mesh";
const CUSTOM_CONN = "postgres://team:custom-conn-Rt07@db.example/mesh";
const OTHER_TOKEN = "user-cloud-token-Vb33";
const DECLARED = "declared-value-Hs20";

const ENV = {
  MESHROOM_PASSPHRASE: PASSPHRASE,
  MESHROOM_PG_CONN_STR: PG_CONN,
  TEAM_PG_URL: CUSTOM_CONN,
  CLOUD_TOKEN: OTHER_TOKEN,
  PROBE_DECLARED: DECLARED,
};
const FORBIDDEN_VALUES = [PASSPHRASE, PG_CONN, OTHER_TOKEN];
const FORBIDDEN_NAMES = ["MESHROOM_PASSPHRASE", "MESHROOM_PG_CONN_STR", "CLOUD_TOKEN"];

let p: E2EProject;
let daemonPid: number | undefined;

function killDaemon(): void {
  if (daemonPid === undefined) return;
  for (const target of [-daemonPid, daemonPid]) {
    try {
      process.kill(target, "SIGKILL");
      return;
    } catch {
      // the next form, or it is gone
    }
  }
}

/** `NAME=value` lines of an env dump or of /proc/<pid>/environ. */
function parseEnv(text: string, sep: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(sep)) {
    const i = line.indexOf("=");
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function expectNoCredentials(env: Map<string, string>, raw: string): void {
  for (const name of FORBIDDEN_NAMES) expect(env.has(name), name).toBe(false);
  for (const v of FORBIDDEN_VALUES) expect(raw).not.toContain(v);
  expect([...env.keys()].filter((k) => k.startsWith("MESHROOM_") && !["MESHROOM_HOOK_KIND", "MESHROOM_ADDRESS", "MESHROOM_DAEMON_TOKEN"].includes(k))).toEqual([]);
}

beforeAll(async () => {
  p = await E2EProject.create({
    probe: `hooks:
  - { kind: setupInstance, run: ["sh", "scripts/dump.sh", "cmd-env.txt"], env: [PROBE_DECLARED], title: "dump the command hook's environment" }
`,
  });
  // *.sh under scripts/: files directly under products/<p>/ are loaded as hook files.
  p.write("products/probe/scripts/dump.sh", `env > ${JSON.stringify(p.path(""))}/"$1"\n`);
  p.write("products/probe/hooks.ts", `import { setupInstance, teardownInstance } from "meshroom/hooks";
setupInstance(async ({ exec, startDaemon }) => {
  const r = await exec("sh", ["-c", "env"], { env: { SET_BY_HOOK: "yes" } });
  const { writeFileSync } = await import("node:fs");
  writeFileSync(${JSON.stringify(p.path("exec-env.txt"))}, r.stdout);
  const { pid } = await startDaemon("sh", ["-c", "exec sleep 120"], {
    logFile: ${JSON.stringify(p.path("daemon.log"))}, pidFile: ${JSON.stringify(p.path("daemon.pid"))},
    env: { MESHROOM_DAEMON_TOKEN: "given-on-purpose" },
  });
  return { outputs: { pid } };
}, { title: "exec and start a daemon", env: ["PROBE_DECLARED"] });
teardownInstance(async ({ outputs }) => {
  try { process.kill(-Number(outputs.pid), "SIGKILL"); } catch { /* gone */ }
}, { title: "stop the daemon" });
`);
  await p.ok(["add", "probe", "probe1"]);
  const r = await p.run(["apply", "--auto-approve"], { env: ENV });
  if (existsSync(p.path("daemon.pid"))) daemonPid = Number(readFileSync(p.path("daemon.pid"), "utf8").trim());
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
}, 120_000);

afterAll(() => {
  killDaemon();
  p?.dispose();
});

describe("a hook's programs do not inherit meshroom's credentials", () => {
  it("a YAML command hook sees the base variables and what it declared, not the passphrase or the pg connection string", () => {
    const raw = p.read("cmd-env.txt");
    const env = parseEnv(raw, "\n");
    expectNoCredentials(env, raw);
    expect(env.get("PROBE_DECLARED")).toBe(DECLARED);
    expect(env.get("PATH")).toBe(process.env.PATH);
    expect(env.get("MESHROOM_HOOK_KIND")).toBe("setupInstance");
    expect(env.get("MESHROOM_ADDRESS")).toBe("instance.probe1");
  });

  it("a program run with ctx.exec by a TS hook gets the same environment, plus what the hook sets", () => {
    const raw = p.read("exec-env.txt");
    const env = parseEnv(raw, "\n");
    expectNoCredentials(env, raw);
    expect(env.get("PROBE_DECLARED")).toBe(DECLARED);
    expect(env.get("SET_BY_HOOK")).toBe("yes");
  });

  it.skipIf(process.platform !== "linux")("a daemon started with ctx.startDaemon has none of them in /proc/<pid>/environ", () => {
    expect(daemonPid).toBeGreaterThan(0);
    const raw = readFileSync(`/proc/${daemonPid}/environ`, "latin1");
    const env = parseEnv(raw, "\0");
    expectNoCredentials(env, raw);
    expect(env.get("PROBE_DECLARED")).toBe(DECLARED);
    expect(env.get("MESHROOM_DAEMON_TOKEN")).toBe("given-on-purpose");
  });

  it("destroy stops the daemon", async () => {
    const r = await p.run(["destroy", "--auto-approve"], { env: ENV });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe("a hook cannot declare meshroom's own variables", () => {
  it("a command hook listing MESHROOM_PASSPHRASE in env is a manifest error naming the field", async () => {
    const q = await E2EProject.create({
      greedy: `hooks:
  - { kind: setupInstance, run: ["true"], env: [HOME, MESHROOM_PASSPHRASE] }
`,
    });
    try {
      const r = await q.run(["validate"], { env: ENV });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("cannot pass MESHROOM_PASSPHRASE to a hook");
      expect(r.stderr).toContain("products/greedy/definition.yaml");
    } finally {
      q.dispose();
    }
  });

  it("a TS hook asking for MESHROOM_PG_CONN_STR in its env option fails to load with the reason", async () => {
    const q = await E2EProject.create({ greedy: "" });
    try {
      q.write("products/greedy/hooks.ts", `import { setupInstance } from "meshroom/hooks";
setupInstance(async () => {}, { env: ["MESHROOM_PG_CONN_STR"] });
`);
      await q.ok(["add", "greedy", "g1"]);
      const r = await q.run(["plan"], { env: ENV });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("cannot pass MESHROOM_PG_CONN_STR to a hook");
    } finally {
      q.dispose();
    }
  });

  it("with the pg backend's conn_str_env set to another name, a hook declaring that name is refused when it runs", async () => {
    const { hookEnvironment } = await import("../../src/exec/index.js");
    const { resolvePgConfig } = await import("../../src/state/pg/config.js");
    resolvePgConfig({ type: "pg", conn_str_env: "TEAM_PG_URL" }, ENV);
    expect(() => hookEnvironment({ declared: ["TEAM_PG_URL"], from: ENV })).toThrow(/Cannot pass TEAM_PG_URL to a hook: it holds the state backend.s connection string/);
    // and hook code spreading meshroom's environment into `env` does not pass the credentials either
    const env = hookEnvironment({ set: { ...ENV } });
    expect(env).not.toHaveProperty("MESHROOM_PASSPHRASE");
    expect(env).not.toHaveProperty("MESHROOM_PG_CONN_STR");
    expect(env).not.toHaveProperty("TEAM_PG_URL");
  });
});
