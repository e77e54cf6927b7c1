import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { PgBackend } from "../../src/state/pg/index.js";
import { backendConformance } from "./conformance.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer | undefined;
let n = 0;

describe.skipIf(!pgAvailable())("pg backend (real PostgreSQL)", () => {
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(() => server?.destroy());

  backendConformance("pg", async () => {
    const schema = `conf_${process.pid}_${++n}`;
    const dir = mkdtempSync(join(tmpdir(), "meshroom-pgroot-"));
    const make = () =>
      new PgBackend({ connectionString: server!.connectionString, schema, erroredPath: (ws) => join(dir, ws, "meshroom.state.errored.json") });
    const opened: PgBackend[] = [];
    const backend = make();
    opened.push(backend);
    return {
      backend,
      reopen: () => {
        const b = make();
        opened.push(b);
        return b;
      },
      cleanup: async () => {
        for (const b of opened) await b.close();
        const c = new pg.Client({ connectionString: server!.connectionString });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
