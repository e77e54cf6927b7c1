/**
 * `meshroom workspace …` and `meshroom state push|migrate` on both backends, driven in-process
 * through commander with the commands' own `register` functions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { register as registerStateTransfer } from "../../src/cli/commands/state-transfer.js";
import { register as registerWorkspace } from "../../src/cli/commands/workspace.js";
import { createContext } from "../../src/cli/main.js";
import { emptyStateFile, LocalBackend } from "../../src/state/index.js";
import { PgBackend } from "../../src/state/pg/index.js";
import { expectCode, resource, stateWith } from "./conformance.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer | undefined;
let n = 0;
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function project(backendYaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), "meshroom-wsproj-"));
  roots.push(root);
  writeFileSync(join(root, "meshroom.yaml"), `name: t\n${backendYaml ? `backend: ${backendYaml}\n` : ""}`);
  return root;
}

async function cli(root: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += String(d)));
  stderr.on("data", (d) => (err += String(d)));
  const program = new Command("meshroom").option("-p, --path <dir>", "", ".").exitOverride();
  const ctx = createContext({ stdin: new PassThrough(), stdout, stderr, env }, program);
  program.command("state"); // as state.ts registers it
  registerWorkspace(program, ctx);
  registerStateTransfer(program, ctx);
  await program.parseAsync(["-p", root, ...args], { from: "user" });
  return { stdout: out, stderr: err };
}

describe("meshroom workspace (local backend)", () => {
  it("new selects and lists it, select switches, delete refuses the selected one and one that tracks resources", async () => {
    const root = project();
    const env = {};
    expect((await cli(root, env, "workspace", "list")).stdout).toBe("* default\n");
    expect((await cli(root, env, "workspace", "new", "staging")).stdout).toContain('Created and selected workspace "staging"');
    expect(readFileSync(join(root, ".meshroom/workspace"), "utf8")).toBe("staging\n");
    expect((await cli(root, env, "workspace", "list")).stdout).toBe("  default\n* staging\n");
    await expectCode(cli(root, env, "workspace", "new", "staging"), "E_EXISTS");
    await expectCode(cli(root, env, "workspace", "delete", "staging"), "E_USAGE");
    await expectCode(cli(root, env, "workspace", "select", "nope"), "E_NOT_FOUND");
    await cli(root, env, "workspace", "select", "default");
    expect((await cli(root, env, "workspace", "show")).stdout).toBe("default\n");
    const stg = new LocalBackend(root).store("staging");
    await stg.write(stateWith((await stg.read())!, resource("instance.x")));
    await expectCode(cli(root, env, "workspace", "delete", "staging"), "E_STATE");
    await cli(root, env, "workspace", "delete", "staging", "--force");
    expect((await cli(root, env, "workspace", "list")).stdout).toBe("* default\n");
  });
});

describe.skipIf(!pgAvailable())("meshroom workspace and state push/migrate (pg backend)", () => {
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(() => server?.destroy());

  it("migrates local workspaces to pg, then works on them there; push refuses an older or foreign state unless --force", async () => {
    const schema = `cli_${process.pid}_${++n}`;
    const root = project(`{ type: pg, schema_name: ${schema} }`);
    const env = { MESHROOM_PG_CONN_STR: server!.connectionString };
    const local = new LocalBackend(root);
    const v1 = (await local.store().write(stateWith(emptyStateFile(), resource("instance.a")))).state;
    await local.store("ci").write(stateWith(emptyStateFile(), resource("instance.ci")));

    const migrated = await cli(root, env, "state", "migrate", "--to", "pg");
    expect(migrated.stdout).toContain("default: copied (serial 1)");
    expect(migrated.stdout).toContain("ci: copied (serial 1)");
    const pg = new PgBackend({ connectionString: server!.connectionString, schema });
    try {
      expect(await pg.listWorkspaces()).toEqual(["default", "ci"]);
      expect((await pg.store().read())?.lineage).toBe(v1.lineage);
      expect((await cli(root, env, "state", "migrate", "--to", "pg")).stdout).toContain("default: already up to date (serial 1)");

      expect((await cli(root, env, "workspace", "list")).stdout).toBe("* default\n  ci\n");
      await cli(root, env, "workspace", "new", "prod");
      expect((await pg.store("prod").read())?.resources).toEqual([]);
      expect((await cli(root, env, "workspace", "list")).stdout).toBe("  default\n  ci\n* prod\n");
      await cli(root, env, "workspace", "select", "default");

      // pg moves on; pushing the older local file is refused, --force replaces.
      const v2 = (await pg.store().write(stateWith(v1, resource("instance.b")))).state;
      const file = join(root, "meshroom.state.json");
      const refused = await expectCode(cli(root, env, "state", "push", file), "E_STATE");
      expect(refused.message).toMatch(/newer \(serial 2, this one 1\)/);
      const foreign = join(root, "other.json");
      writeFileSync(foreign, JSON.stringify(stateWith(emptyStateFile(), resource("instance.z"))));
      await expectCode(cli(root, env, "state", "push", foreign), "E_STATE");
      expect((await cli(root, env, "state", "push", "--force", file)).stdout).toContain("Pushed");
      const now = await pg.store().read();
      expect(now?.serial).toBe(v2.serial + 1);
      expect(now?.resources.map((r) => r.address)).toEqual(["instance.a"]);

      await cli(root, env, "workspace", "delete", "ci", "--force");
      expect(await pg.listWorkspaces()).toEqual(["default", "prod"]);
    } finally {
      await pg.close();
    }
  });

  it("says which variable to set when the pg backend has no connection string", async () => {
    const root = project("{ type: pg, conn_str_env: TEAM_PG }");
    const err = await expectCode(cli(root, {}, "workspace", "list"), "E_USAGE");
    expect(err.message).toContain("TEAM_PG");
  });
});
