import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { emptyStateFile, parseStateText } from "../../src/state/index.js";
import { PgBackend } from "../../src/state/pg/index.js";
import { expectCode, resource, stateWith } from "./conformance.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer;
let n = 0;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A backend on a fresh schema, with its errored file under a temp project root. */
function open(schema = `o_${process.pid}_${++n}`): { backend: PgBackend; root: string; schema: string; reopen: () => PgBackend } {
  const root = mkdtempSync(join(tmpdir(), "meshroom-pgroot-"));
  const opened: PgBackend[] = [];
  const reopen = () => {
    const b = new PgBackend({ connectionString: server.connectionString, schema, erroredPath: () => join(root, "meshroom.state.errored.json") });
    opened.push(b);
    return b;
  };
  cleanups.push(async () => {
    for (const b of opened) await b.close().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });
  return { backend: reopen(), root, schema, reopen };
}

describe.skipIf(!pgAvailable())("pg backend: contention and outages (real PostgreSQL)", () => {
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(() => server?.destroy());

  it("two clients contend: one gets the lock, the other fails fast naming it, then proceeds and sees its serial", async () => {
    const { backend: a, reopen } = open();
    const b = reopen();
    const lockA = await a.store().lock({ operation: "apply", who: "alice@ci-1" });
    const t0 = Date.now();
    const err = await expectCode(b.store().lock({ operation: "apply", who: "bob@ci-2" }), "E_STATE_LOCKED");
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err.message).toContain("alice@ci-1");
    expect(err.message).toContain(`meshroom force-unlock ${lockA.id}`);
    expect(await b.store().lockInfo()).toMatchObject({ id: lockA.id, who: "alice@ci-1", operation: "apply" });
    const v1 = (await a.store().write(stateWith(emptyStateFile(), resource("instance.from_a")))).state;
    await lockA.release();
    const lockB = await b.store().lock({ operation: "apply", who: "bob@ci-2" });
    const seen = await b.store().read();
    expect(seen?.serial).toBe(v1.serial);
    expect(seen?.resources.map((r) => r.address)).toEqual(["instance.from_a"]);
    const v2 = await b.store().write(stateWith(seen!, resource("instance.from_b")));
    expect(v2.state.serial).toBe(v1.serial + 1);
    await lockB.release();
    expect(await a.store().lockInfo()).toBeUndefined();
  });

  it("force-unlock from another client ends the holder's session; the holder's next write fails instead of writing unlocked", async () => {
    const { backend: a, root, reopen } = open();
    const b = reopen();
    const v1 = (await a.store().write(stateWith(emptyStateFile(), resource("instance.a")))).state;
    const held = await a.store().lock({ operation: "apply", who: "stuck@box" });
    await b.store().forceUnlock(held.id);
    expect(await b.store().lockInfo()).toBeUndefined();
    const lockB = await b.store().lock({ operation: "apply" });
    const err = await expectCode(a.store().write(stateWith(v1, resource("instance.late"))), "E_STATE_WRITE");
    expect(err.message).toMatch(/Lost the database session holding the state lock/);
    expect(existsSync(join(root, "meshroom.state.errored.json"))).toBe(true);
    await held.release(); // must not throw although its session is gone
    expect((await b.store().lockInfo())?.id).toBe(lockB.id);
    expect((await b.store().read())?.resources.map((r) => r.address)).toEqual(["instance.a"]);
    await lockB.release();
  });

  it("a server stop in the middle of a write: clear E_STATE_WRITE, the errored file, and an intact row after restart", async () => {
    const { backend: a, root, schema, reopen } = open();
    const store = a.store();
    const v1 = (await store.write(stateWith(emptyStateFile(), resource("instance.a", { url: "https://a" })))).state;
    const lock = await store.lock({ operation: "apply", who: "alice@ci" });
    // Another session holds the row, so the write is stuck inside its transaction when the server goes.
    const blocker = new pg.Client({ connectionString: server.connectionString });
    blocker.on("error", () => undefined);
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query(`SELECT 1 FROM "${schema}".meshroom_states WHERE workspace = 'default' FOR UPDATE`);
    const writing = store.write(stateWith(v1, resource("instance.b")));
    writing.catch(() => undefined);
    await waitFor(async () => (await blocker.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted")).rows[0].n > 0);
    server.stop("fast");
    cleanups.push(() => {
      if (!existsSync(join(server.dir, "data", "postmaster.pid"))) server.start();
    });
    const err = await expectCode(writing, "E_STATE_WRITE");
    const errored = join(root, "meshroom.state.errored.json");
    expect(err.message).toContain("Failed to save state to PostgreSQL");
    expect(err.message).toContain(`written to ${errored}`);
    const saved = parseStateText(readFileSync(errored, "utf8"), errored);
    expect(saved.resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
    expect(saved.lineage).toBe(v1.lineage);
    await lock.release(); // the session is gone with the server: no throw
    await blocker.end().catch(() => undefined);
    // While the server is down, reads and locks fail with a clear E_STATE.
    const down = await expectCode(reopen().store().read(), "E_STATE");
    expect(down.message).toMatch(/PostgreSQL server running/);
    server.start();
    const after = reopen();
    const row = await after.store().read();
    expect(row?.serial).toBe(1);
    expect(row?.resources.map((r) => r.address)).toEqual(["instance.a"]);
    expect(await after.store().lockInfo()).toBeUndefined();
    // The same backend object works again (its broken connections were dropped), and the errored
    // state can be stored on top of the intact row.
    const pushed = await a.store().write(saved);
    expect(pushed.written).toBe(true);
    expect((await after.store().read())?.resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
  });
});

async function waitFor(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}
