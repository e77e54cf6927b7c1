// Attack: meshroom's environment holds its own credentials (MESHROOM_PASSPHRASE unlocks the
// secrets store, MESHROOM_PG_CONN_STR carries the PostgreSQL password) and often the user's
// other tokens. Every program a hook starts inherited all of it, and a daemon a hook started
// (the quickstart's intake) kept it in /proc/<pid>/environ for its whole life: any hook, or
// anyone able to read that daemon's /proc entry, got the passphrase, whatever the hook's
// `secrets:` list said. Now a hook's programs get PATH, HOME, the locale, TZ and TMPDIR, plus
// the names the hook declares in `env`, and never meshroom's credentials.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, E2EProject, REPO } from "../e2e/helpers.js";

const EXAMPLE = join(REPO, "examples", "quickstart");

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

function killGroup(pid: number | undefined): void {
  if (pid === undefined || !(pid > 0)) return;
  for (const target of [-pid, pid]) {
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

const GIVEN_BY_MESHROOM = ["MESHROOM_HOOK_KIND", "MESHROOM_ADDRESS", "MESHROOM_DAEMON_TOKEN", "MESHROOM_INTAKE_ADMIN_TOKEN"];
function expectNoCredentials(env: Map<string, string>, raw: string): void {
  for (const v of FORBIDDEN_VALUES) expect(raw, "a credential's value").not.toContain(v);
  for (const name of FORBIDDEN_NAMES) expect(env.has(name), name).toBe(false);
  expect([...env.keys()].filter((k) => k.startsWith("MESHROOM_") && !GIVEN_BY_MESHROOM.includes(k))).toEqual([]);
}

const dumpScript = (dir: string) => `env > ${JSON.stringify(dir)}/"$1"\n`;

describe("the quickstart's intake daemon", () => {
  const work = mkdtempSync(join(tmpdir(), "mr-envleak-qs-"));
  const project = join(work, "quickstart");
  const env = { PATH: process.env.PATH ?? "", HOME: join(work, "home"), XDG_CONFIG_HOME: join(work, "config"), CI: "true", NO_COLOR: "1", MESHROOM_CLI: BIN, ...ENV };
  const meshroom = (args: string[]) => execa(process.execPath, [BIN, ...args], { cwd: project, reject: false, timeout: 60_000, env, extendEnv: false });
  const intakePid = () => {
    const f = join(project, ".meshroom", "run", "intake", "intake.pid");
    return existsSync(f) ? Number(readFileSync(f, "utf8").trim()) : undefined;
  };
  let pid: number | undefined;

  afterAll(async () => {
    if (existsSync(join(project, "meshroom.state.json"))) await meshroom(["destroy", "--auto-approve"]);
    killGroup(pid);
    rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(process.platform !== "linux")("keeps neither the passphrase nor the pg connection string in /proc/<pid>/environ", async () => {
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/[\\/](\.meshroom|meshroom\.state\.json.*|secrets\.gpg)$/.test(src) });
    const init = await meshroom(["secrets", "init", "--name", "env leak test"]);
    expect(init.exitCode, init.stderr).toBe(0);
    const applied = await meshroom(["apply", "--auto-approve"]);
    pid = intakePid();
    expect(applied.exitCode, `${applied.stdout}\n${applied.stderr}`).toBe(0);
    expect(pid).toBeGreaterThan(0);
    const raw = readFileSync(`/proc/${pid}/environ`, "latin1");
    const daemonEnv = parseEnv(raw, "\0");
    expectNoCredentials(daemonEnv, raw);
    expect(daemonEnv.get("MESHROOM_INTAKE_ADMIN_TOKEN")?.length).toBeGreaterThan(0); // what it needs, on purpose
    expect(daemonEnv.get("PATH")).toBe(env.PATH);
    const destroyed = await meshroom(["destroy", "--auto-approve"]);
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
  }, 120_000);
});

describe("programs a hook runs", () => {
  let q: E2EProject;
  beforeAll(async () => {
    q = await E2EProject.create({
      probe: `hooks:
  - { kind: setupInstance, run: ["sh", "scripts/dump.sh", "cmd-env.txt"], title: "dump the command hook's environment" }
`,
    });
    // *.sh under scripts/: files directly under products/<p>/ are loaded as hook files.
    q.write("products/probe/scripts/dump.sh", dumpScript(q.path("")));
    q.write("products/probe/hooks.ts", `import { setupInstance } from "meshroom/hooks";
import { writeFileSync } from "node:fs";
setupInstance(async ({ exec }) => {
  const r = await exec("sh", ["-c", "env"], { env: { SET_BY_HOOK: "yes" } });
  writeFileSync(${JSON.stringify(q.path("exec-env.txt"))}, r.stdout);
}, { title: "exec env" });
`);
    await q.ok(["add", "probe", "probe1"]);
    const r = await q.run(["apply", "--auto-approve"], { env: ENV });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 120_000);
  afterAll(() => q?.dispose());

  it("a YAML command hook gets the base variables, not the passphrase, the pg connection string or the user's other tokens", () => {
    const raw = q.read("cmd-env.txt");
    const env = parseEnv(raw, "\n");
    expectNoCredentials(env, raw);
    expect(env.has("PROBE_DECLARED")).toBe(false); // not declared
    expect(env.get("PATH")).toBe(process.env.PATH);
    expect(env.get("MESHROOM_HOOK_KIND")).toBe("setupInstance");
    expect(env.get("MESHROOM_ADDRESS")).toBe("instance.probe1");
  });

  it("a program run with ctx.exec by a TS hook gets the same, plus what the hook sets", () => {
    const raw = q.read("exec-env.txt");
    const env = parseEnv(raw, "\n");
    expectNoCredentials(env, raw);
    expect(env.get("SET_BY_HOOK")).toBe("yes");
    expect(env.get("PATH")).toBe(process.env.PATH);
  });
});

describe("variables a hook declares in `env`", () => {
  beforeAll(async () => {
    p = await E2EProject.create({
      probe: `hooks:
  - { kind: setupInstance, run: ["sh", "scripts/dump.sh", "cmd-env.txt"], env: [PROBE_DECLARED], title: "dump the command hook's environment" }
`,
    });
    p.write("products/probe/scripts/dump.sh", dumpScript(p.path("")));
    p.write("products/probe/hooks.ts", `import { setupInstance, teardownInstance } from "meshroom/hooks";
import { writeFileSync } from "node:fs";
setupInstance(async ({ exec, startDaemon }) => {
  const r = await exec("sh", ["-c", "env"]);
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
    killGroup(daemonPid);
    p?.dispose();
  });

  it("reach a command hook (YAML `env:`) and a TS hook's programs (option `env`)", () => {
    for (const f of ["cmd-env.txt", "exec-env.txt"]) {
      const raw = p.read(f);
      const env = parseEnv(raw, "\n");
      expectNoCredentials(env, raw);
      expect(env.get("PROBE_DECLARED"), f).toBe(DECLARED);
    }
  });

  it.skipIf(process.platform !== "linux")("and a daemon started with ctx.startDaemon, which holds no credential in /proc/<pid>/environ", () => {
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

describe("the git helper of pull and publish hooks", () => {
  it("runs git with the user's environment (SSH agent, proxies), less meshroom's credentials", async () => {
    const { createGitHelper } = await import("../../src/hooks/git.js");
    const dir = mkdtempSync(join(tmpdir(), "mr-envleak-git-"));
    const saved = { ...process.env };
    try {
      writeFileSync(join(dir, "git"), `#!/bin/sh\nenv > ${JSON.stringify(join(dir, "git-env.txt"))}\n`, { mode: 0o755 });
      Object.assign(process.env, ENV, { PATH: `${dir}:${process.env.PATH ?? ""}`, SSH_AUTH_SOCK: "/tmp/agent.sock" });
      await createGitHelper({ cwd: dir }).branch(dir, "main");
      const raw = readFileSync(join(dir, "git-env.txt"), "utf8");
      const env = parseEnv(raw, "\n");
      for (const v of [PASSPHRASE, PG_CONN]) expect(raw).not.toContain(v);
      expect(env.has("MESHROOM_PASSPHRASE")).toBe(false);
      expect(env.get("SSH_AUTH_SOCK")).toBe("/tmp/agent.sock");
      expect(env.get("GIT_TERMINAL_PROMPT")).toBe("0");
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
