import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * The SQL of the pg backend. One row per workspace in `<schema>.meshroom_states` (the state
 * document as text, exactly the local file's rendering, with lineage, serial and a hash of the
 * content beside it so a write checks them without reading the document back), and one row
 * per held lock in `<schema>.meshroom_locks` (the holder's details; the lock itself is a
 * session advisory lock, so it dies with the holder's connection).
 */
export interface PgTables {
  schema: string;
  states: string;
  locks: string;
}

export function tablesFor(schema: string): PgTables {
  const q = `"${schema}"`;
  return { schema: q, states: `${q}.meshroom_states`, locks: `${q}.meshroom_locks` };
}

export function ddl(t: PgTables): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${t.schema}`,
    `CREATE TABLE IF NOT EXISTS ${t.states} (
       workspace text PRIMARY KEY,
       lineage text NOT NULL,
       serial bigint NOT NULL,
       content_sha256 text NOT NULL,
       state text NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE IF NOT EXISTS ${t.locks} (
       workspace text PRIMARY KEY,
       id text NOT NULL,
       operation text NOT NULL,
       who text NOT NULL,
       version text NOT NULL,
       created text NOT NULL,
       path text NOT NULL,
       pid integer NOT NULL,
       host text NOT NULL,
       backend_pid integer NOT NULL
     )`,
  ];
}

/** A signed 64-bit advisory lock key (as a decimal string) from a name. */
export function advisoryKey(name: string): string {
  return createHash("sha256").update(name).digest().readBigInt64BE(0).toString();
}

/** The advisory key of one workspace's state lock. */
export function workspaceLockKey(schema: string, workspace: string): string {
  return advisoryKey(`meshroom-state:${schema}:${workspace}`);
}

/**
 * Creates the schema and tables if missing. Serialized with a transaction advisory lock, as two
 * concurrent `CREATE TABLE IF NOT EXISTS` can still collide in the catalog.
 */
export async function ensureTables(client: pg.ClientBase, schemaName: string): Promise<void> {
  const t = tablesFor(schemaName);
  const found = await client.query<{ ok: boolean }>(
    "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ok",
    [t.states, t.locks],
  );
  if (found.rows[0]?.ok) return; // no DDL, so a user without CREATE rights works once an admin made them
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [advisoryKey(`meshroom-ddl:${schemaName}`)]);
    for (const stmt of ddl(t)) await client.query(stmt);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
