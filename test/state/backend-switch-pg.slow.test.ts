/**
 * Issue 20 item 8 end to end, with the real binary and a real PostgreSQL server: a project applied
 * with the local files, then meshroom.yaml switched to the pg backend. `plan` is refused (not
 * "Plan: 3 to add") until `meshroom state migrate --to pg` copied the state (lineage and serial
 * kept); with `--no-copy` instead, pg starts empty and the local state stays untouched.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgBackend } from "../../src/state/pg/index.js";
import { basicMesh } from "../engine/fixtures.js";
import { BIN } from "../cli/helpers.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer;
const dirs: string[] = [];

function runner(root: string) {
  return (...args: string[]) =>
    execa(process.execPath, [BIN, "-p", root, ...args], {
      reject: false, extendEnv: false, stdin: "ignore", timeout: 60_000,
      env: { PATH: process.env.PATH ?? "", HOME: root, CI: "true", NO_COLOR: "1", TEAM_PG: server.connectionString, MESHROOM_TEST_DIR: root },
    });
}

describe.skipIf(!pgAvailable())("switching a project with local state to the pg backend", () => {
  beforeAll(async () => {
    server = await startPgServer();
  }, 240_000);
  afterAll(() => {
    server?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("plan is refused until `state migrate --to pg`; then the copied state plans no changes", async () => {
    const root = basicMesh().root;
    dirs.push(root);
    const run = runner(root);
    const applied = await run("apply", "--auto-approve");
    expect(applied.exitCode, String(applied.stderr)).toBe(0);
    const local = JSON.parse(readFileSync(join(root, "meshroom.state.json"), "utf8")) as { lineage: string; serial: number };

    writeFileSync(join(root, "meshroom.yaml"), "name: test\nbackend: { type: pg, conn_str_env: TEAM_PG, schema_name: switch_a }\n");
    const refused = await run("plan");
    expect(refused.exitCode).toBe(1);
    expect(String(refused.stdout)).not.toContain("to add");
    expect(String(refused.stderr)).toContain("meshroom.yaml now configures the pg state backend, but this project's state is in the local backend: it holds this project's state (default: 3 resources)");
    expect(String(refused.stderr)).toContain("meshroom state migrate --to pg");
    expect((await run("apply", "--auto-approve")).exitCode).toBe(1);
    expect(readFileSync(join(root, "calls.log"), "utf8").split("\n").filter(Boolean)).toHaveLength(3); // no hook ran again

    const migrated = await run("state", "migrate", "--to", "pg");
    expect(migrated.exitCode, String(migrated.stderr)).toBe(0);
    const pg = new PgBackend({ connectionString: server.connectionString, schema: "switch_a" });
    try {
      const stored = await pg.store().read();
      expect(stored?.lineage).toBe(local.lineage);
      expect(stored?.serial).toBe(local.serial);
    } finally {
      await pg.close();
    }
    const plan = await run("plan");
    expect(plan.exitCode, String(plan.stderr)).toBe(0);
    expect(String(plan.stdout)).toContain("No changes.");
  });

  it("`state migrate --to pg --no-copy`: pg starts empty, the local state is left as it was", async () => {
    const root = basicMesh().root;
    dirs.push(root);
    const run = runner(root);
    expect((await run("apply", "--auto-approve")).exitCode).toBe(0);
    const before = readFileSync(join(root, "meshroom.state.json"), "utf8");
    writeFileSync(join(root, "meshroom.yaml"), "name: test\nbackend: { type: pg, conn_str_env: TEAM_PG, schema_name: switch_b }\n");
    expect((await run("plan")).exitCode).toBe(1);
    const ack = await run("state", "migrate", "--to", "pg", "--no-copy");
    expect(ack.exitCode, String(ack.stderr)).toBe(0);
    const plan = await run("plan");
    expect(plan.exitCode, String(plan.stderr)).toBe(0);
    expect(String(plan.stdout)).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
    expect(readFileSync(join(root, "meshroom.state.json"), "utf8")).toBe(before);
  });
});
