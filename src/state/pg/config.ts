import { z } from "zod";
import { MeshroomError } from "../../errors/index.js";
import { withholdEnvName } from "../../util/env-names.js";
import { pgConnSettings } from "./conn-string.js";

/** The pg backend's fields under `backend:` in meshroom.yaml. */
export const PgSettingsSchema = z.object({
  conn_str: z.string().optional(),
  conn_str_env: z.string().optional(),
  schema_name: z.string().optional(),
});
/** `backend:` as this module reads it (its `type`, when there, is not looked at). */
export type PgSettings = z.output<typeof PgSettingsSchema> & { readonly type?: string };

export const DEFAULT_PG_SCHEMA = "meshroom";
export const DEFAULT_CONN_STR_ENV = "MESHROOM_PG_CONN_STR";

/** What a `PgBackend` needs, resolved from the settings and the environment. */
export interface PgConfig {
  connectionString: string;
  schema: string;
  /** The connection string without its password, for messages. */
  display: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The connection string comes from the environment variable named by `conn_str_env`
 * (default MESHROOM_PG_CONN_STR) when it is set, else from `conn_str`: a password then never
 * needs to sit in meshroom.yaml (or git).
 */
export function resolvePgConfig(settings: PgSettings | undefined, env: NodeJS.ProcessEnv): PgConfig {
  const envName = settings?.conn_str_env ?? DEFAULT_CONN_STR_ENV;
  withholdEnvName(envName); // hooks never get it (exec/hook-env.ts)
  const fromEnv = env[envName];
  const connectionString = fromEnv !== undefined && fromEnv !== "" ? fromEnv : settings?.conn_str;
  if (!connectionString) {
    throw new MeshroomError("E_USAGE", `The pg state backend has no connection string: set ${envName}.`, {
      detail:
        `Set the environment variable ${envName} (e.g. postgres://user:password@host:5432/db, or host=host port=5432 user=user password=… dbname=db), ` +
        "or `conn_str` under `backend:` in meshroom.yaml (keep passwords out of it: use the variable).",
    });
  }
  const schema = settings?.schema_name ?? DEFAULT_PG_SCHEMA;
  assertSchemaName(schema);
  pgConnSettings(connectionString); // a malformed string is refused now, before any connection
  return { connectionString, schema, display: redactConnString(connectionString) };
}

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new MeshroomError("E_BAD_VALUE", `Invalid PostgreSQL schema name ${JSON.stringify(schema)} for the state backend`, {
      detail: "Use 1-63 letters, digits or '_', not starting with a digit (backend.schema_name in meshroom.yaml).",
    });
  }
}

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`; key=value strings lose `password=`. */
export function redactConnString(conn: string): string {
  if (/^postgres(ql)?:\/\//i.test(conn)) {
    try {
      const u = new URL(conn);
      if (u.password) u.password = "***";
      for (const k of [...u.searchParams.keys()]) if (/pass/i.test(k)) u.searchParams.set(k, "***");
      return u.toString();
    } catch {
      return conn.replace(/:\/\/([^:/@]*):[^@]*@/, "://$1:***@");
    }
  }
  // a quoted value (closed or not), or an unquoted one with its backslash escapes (libpq's rules)
  return conn.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'?|(?:\\.|[^\s\\])+\\?)/gi, "$1***");
}
