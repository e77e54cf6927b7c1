// The pg state backend on a real PostgreSQL with a libpq keyword=value connection string (as
// Terraform's pg backend accepts): it used to fail with `getaddrinfo ENOTFOUND base`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyStateFile } from "../../src/state/index.js";
import { openStateBackend } from "../../src/state/open-backend.js";
import type { PgBackend } from "../../src/state/pg/index.js";
import { resource, stateWith } from "./conformance.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer | undefined;
let root: string;

describe.skipIf(!pgAvailable())("pg backend with a keyword=value connection string (real PostgreSQL)", () => {
  beforeAll(async () => {
    server = await startPgServer();
    root = mkdtempSync(join(tmpdir(), "meshroom-pgkv-"));
  }, 60_000);
  afterAll(() => {
    server?.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("writes and reads the state over TCP and over the server's unix socket", async () => {
    const forms = [
      `host=127.0.0.1 port=${server!.port} user=meshroom password='not used: trust' dbname=postgres application_name='meshroom kv test' connect_timeout=5 sslmode=disable`,
      ` host = ${server!.dir}  port=${server!.port} user=meshroom dbname=postgres`,
    ];
    for (const [i, conn] of forms.entries()) {
      const b = (await openStateBackend(root, { type: "pg", schema_name: `kv${i}` }, { MESHROOM_PG_CONN_STR: conn })) as PgBackend;
      try {
        expect(b.store().location).not.toContain("not used");
        const written = await b.store().write(stateWith(emptyStateFile(), resource(`instance.kv${i}`)));
        expect(written.written).toBe(true);
        expect((await b.store().read())?.resources.map((r) => r.address)).toEqual([`instance.kv${i}`]);
      } finally {
        await b.close();
      }
    }
  }, 60_000);
});
