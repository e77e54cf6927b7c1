import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyStateFile, LocalBackend } from "../../src/state/index.js";
import { currentWorkspace, openStateBackend, selectWorkspace } from "../../src/state/open-backend.js";
import { PgBackend, redactConnString, resolvePgConfig } from "../../src/state/pg/index.js";
import { migrateState, pushState } from "../../src/state/transfer.js";
import { expectCode, resource, stateWith } from "./conformance.js";

const roots: string[] = [];
function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), "meshroom-ws-"));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe("pg backend settings", () => {
  it("takes the connection string from the named env var before conn_str, and defaults the schema", () => {
    const s = { type: "pg" as const, conn_str: "postgres://yaml@h/db", conn_str_env: "TEAM_PG" };
    expect(resolvePgConfig(s, { TEAM_PG: "postgres://env:pw@h/db" })).toEqual({
      connectionString: "postgres://env:pw@h/db",
      schema: "meshroom",
      display: "postgres://env:***@h/db",
    });
    expect(resolvePgConfig(s, {}).connectionString).toBe("postgres://yaml@h/db");
    expect(resolvePgConfig({ type: "pg" }, { MESHROOM_PG_CONN_STR: "postgres://d@h/x" }).connectionString).toBe("postgres://d@h/x");
    expect(resolvePgConfig({ type: "pg", conn_str: "postgres://a@h/x", schema_name: "team_a" }, {}).schema).toBe("team_a");
  });

  it("says which variable to set when there is no connection string, and refuses bad schema names", () => {
    expect(() => resolvePgConfig({ type: "pg", conn_str_env: "TEAM_PG" }, {})).toThrow(/TEAM_PG/);
    expect(() => resolvePgConfig({ type: "pg", conn_str: "postgres://h/x", schema_name: 'x"; drop' }, {})).toThrow(/schema name/);
  });

  it("never shows a password", () => {
    expect(redactConnString("postgres://u:s3cret@db:5432/m?sslmode=require")).toBe("postgres://u:***@db:5432/m?sslmode=require");
    expect(redactConnString("host=db user=u password=s3cret dbname=m")).toBe("host=db user=u password=*** dbname=m");
    expect(redactConnString("postgresql://db/m?password=s3cret")).not.toContain("s3cret");
  });

  it("opens the local backend by default and the pg backend when configured (no connection made yet)", async () => {
    const root = tempRoot();
    expect((await openStateBackend(root, undefined, {})).type).toBe("local");
    expect((await openStateBackend(root, { type: "local" }, {})).type).toBe("local");
    const b = await openStateBackend(root, { type: "pg" }, { MESHROOM_PG_CONN_STR: "postgres://u:pw@127.0.0.1:1/x" });
    expect(b).toBeInstanceOf(PgBackend);
    expect(b.store("ci").location).toContain("postgres://u:***@127.0.0.1:1/x");
    expect(b.store("ci").location).not.toContain("pw");
    await (b as PgBackend).close();
  });

  it("reports an unreachable server as E_STATE on read and E_STATE_WRITE on write, saving the errored file", async () => {
    const root = tempRoot();
    const b = (await openStateBackend(root, { type: "pg", conn_str: "postgres://u@127.0.0.1:1/x" }, {})) as PgBackend;
    const read = await expectCode(b.store().read(), "E_STATE");
    expect(read.message).toMatch(/127\.0\.0\.1:1.*PostgreSQL server running/);
    const w = await expectCode(b.store().write(stateWith(emptyStateFile(), resource("instance.a"))), "E_STATE_WRITE");
    expect(w.message).toContain(join(root, "meshroom.state.errored.json"));
    expect(JSON.parse(readFileSync(join(root, "meshroom.state.errored.json"), "utf8")).resources[0].address).toBe("instance.a");
    await expectCode(b.store().lock({ operation: "apply" }), "E_STATE");
    await b.close();
  });
});

describe("selected workspace", () => {
  it("is default, then what `select` wrote, overridden by MESHROOM_WORKSPACE", async () => {
    const root = tempRoot();
    expect(currentWorkspace(root, {})).toBe("default");
    await selectWorkspace(root, "staging");
    expect(readFileSync(join(root, ".meshroom/workspace"), "utf8").trim()).toBe("staging");
    expect(currentWorkspace(root, {})).toBe("staging");
    expect(currentWorkspace(root, { MESHROOM_WORKSPACE: "prod" })).toBe("prod");
    await selectWorkspace(root, "default");
    expect(existsSync(join(root, ".meshroom/workspace"))).toBe(false);
    expect(currentWorkspace(root, {})).toBe("default");
  });

  it("refuses a hand-edited invalid name", async () => {
    const root = tempRoot();
    mkdirSync(join(root, ".meshroom"));
    writeFileSync(join(root, ".meshroom/workspace"), "../etc\n");
    expect(() => currentWorkspace(root, {})).toThrow(/invalid workspace/);
    await expect(selectWorkspace(root, "a/b")).rejects.toThrow(/workspace name/);
  });
});

describe("state push / migrate rules (local backend)", () => {
  it("pushes into an empty store, refuses another lineage, a newer serial or a diverged one unless forced", async () => {
    const store = new LocalBackend(tempRoot()).store();
    const v1 = (await pushState(store, stateWith(emptyStateFile(), resource("instance.a")))).state;
    expect(v1.serial).toBe(1);
    const v2 = (await store.write(stateWith(v1, resource("instance.b")))).state;
    await expectCode(pushState(store, stateWith(emptyStateFile(), resource("instance.x"))), "E_STATE");
    const older = await expectCode(pushState(store, stateWith(v1, resource("instance.c"))), "E_STATE");
    expect(older.message).toMatch(/newer/);
    const diverged = await expectCode(pushState(store, stateWith({ ...v2, resources: [] }, resource("instance.z"))), "E_STATE");
    expect(diverged.message).toMatch(/same serial/);
    expect((await pushState(store, v2)).written).toBe(false);
    const foreign = stateWith(emptyStateFile(), resource("instance.x"));
    const forced = await pushState(store, foreign, { force: true });
    expect(forced.state.serial).toBeGreaterThan(v2.serial);
    const now = await store.read();
    expect(now?.lineage).toBe(foreign.lineage);
    expect(now?.resources.map((r) => r.address)).toEqual(["instance.x"]);
  });

  it("migrates every workspace between two backends, skipping empty ones", async () => {
    const from = new LocalBackend(tempRoot());
    const to = new LocalBackend(tempRoot());
    await from.store().write(stateWith(emptyStateFile(), resource("instance.prod")));
    await from.store("staging").write(stateWith(emptyStateFile(), resource("instance.stg")));
    const done = await migrateState(from, to);
    expect(done).toEqual([
      { workspace: "default", serial: 1, written: true },
      { workspace: "staging", serial: 1, written: true },
    ]);
    expect((await to.store("staging").read())?.resources.map((r) => r.address)).toEqual(["instance.stg"]);
    expect((await migrateState(from, to)).map((w) => w.written)).toEqual([false, false]);
    expect(await to.store().lockInfo()).toBeUndefined();
  });
});
