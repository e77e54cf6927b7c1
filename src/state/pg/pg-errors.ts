import { isMeshroomError, MeshroomError, type ErrorCode } from "../../errors/index.js";

/** SQLSTATE / socket codes that mean the server could not be reached or the session was lost. */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "57P01", "57P02", "57P03"]);

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : undefined;
}

/** True when `e` says the connection to PostgreSQL failed or was cut (not an SQL error). */
export function isConnectionFailure(e: unknown): boolean {
  const code = codeOf(e);
  if (code && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /Connection terminated|connection error|not queryable|timeout expired|Query read timeout|ECONNREFUSED|socket hang up/i.test(msg);
}

/** A short reason for a PostgreSQL failure, with a hint for the usual ones. */
export function pgReason(e: unknown): string {
  const code = codeOf(e);
  const msg = e instanceof AggregateError && e.errors.length > 0 ? String((e.errors[0] as Error).message ?? e.errors[0]) : e instanceof Error ? e.message : String(e);
  if (code === "28P01" || code === "28000") return `${msg} (check the user and password in the connection string)`;
  if (code === "3D000") return `${msg} (create the database first)`;
  if (code === "42501") return `${msg} (the user needs CREATE on the database, or the schema and tables created by an administrator)`;
  if (isConnectionFailure(e)) return `${msg || code || "connection failed"} (is the PostgreSQL server running and reachable?)`;
  return msg || code || "unknown error";
}

/**
 * Wraps a failure of the pg backend as `code` ("E_STATE" for reads and locks, "E_STATE_WRITE"
 * for writes); a MeshroomError (a refusal, a lock conflict) passes through unchanged.
 */
export function pgFailure(code: ErrorCode, action: string, where: string, e: unknown, detail?: string): MeshroomError {
  if (isMeshroomError(e)) return e;
  return new MeshroomError(code, `Failed to ${action} (${where}): ${pgReason(e)}`, {
    detail: detail ?? "Check that the server is up and the connection string (MESHROOM_PG_CONN_STR or backend.conn_str) is right, then retry.",
    cause: e,
  });
}
