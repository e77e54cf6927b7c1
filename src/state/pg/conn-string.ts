import { readFileSync } from "node:fs";
import type { ClientConfig } from "pg";
import { MeshroomError } from "../../errors/index.js";
import { excerpt } from "../../util/excerpt.js";

/**
 * PostgreSQL connection strings in both forms libpq (and so psql and Terraform's pg backend)
 * accepts: a URI (`postgres://` or `postgresql://`), handed to the `pg` client as is (it parses
 * those itself), and the keyword/value form (`host=db port=5432 user=u password='a b' dbname=m`),
 * which `pg` does not understand (it reads it as a relative URL, host "base") and which is
 * parsed here by libpq's rules (fe-connect.c, conninfo_parse):
 *  - `keyword = value` pairs separated by white space, spaces around `=` allowed;
 *  - a value may be single-quoted (an empty value, or one holding spaces); inside a quoted or
 *    unquoted value a backslash makes the next character literal (`\'`, `\\`);
 *  - a keyword given twice: the last one counts; an empty string: every default.
 * Keywords libpq knows but the `pg` client cannot honour are refused by name, as are unknown
 * ones. No message ever contains a value (a password may sit in any of them).
 * Written by hand: `pg-connection-string` parses URIs only, and no kept library parses this form.
 */

export type ConnStringForm = "uri" | "keyword-value";

/** The `pg` client settings a connection string sets (the rest keep meshroom's defaults). */
export type PgConnSettings = Pick<
  ClientConfig,
  | "connectionString" | "host" | "port" | "user" | "password" | "database" | "ssl" | "application_name"
  | "fallback_application_name" | "options" | "client_encoding" | "connectionTimeoutMillis" | "keepAlive"
  | "keepAliveInitialDelayMillis"
>;

const URI = /^postgres(ql)?:\/\//i;
const OTHER_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function connStringForm(conn: string): ConnStringForm {
  return URI.test(conn.trimStart()) ? "uri" : "keyword-value";
}

/** Keywords of libpq that the `pg` client has no way to honour: refused rather than ignored. */
const UNSUPPORTED = new Set([
  "passfile", "require_auth", "channel_binding", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
  "replication", "gssencmode", "sslcompression", "sslcertmode", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
  "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
  "target_session_attrs", "load_balance_hosts", "min_protocol_version", "max_protocol_version", "scram_client_key",
  "scram_server_key", "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope",
]);

const SUPPORTED = [
  "host", "hostaddr", "port", "dbname", "user", "password", "connect_timeout", "client_encoding", "options",
  "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "sslmode", "sslnegotiation",
  "sslcert", "sslkey", "sslrootcert", "sslpassword",
] as const;
type Keyword = (typeof SUPPORTED)[number];
const KNOWN = new Set<string>(SUPPORTED);

/** The `pg` client settings of a connection string of either form; E_BAD_VALUE when it is malformed. */
export function pgConnSettings(conn: string): PgConnSettings {
  if (connStringForm(conn) === "uri") return { connectionString: conn.trim() };
  const scheme = OTHER_SCHEME.exec(conn.trimStart());
  if (scheme) {
    throw bad(`it starts with ${excerpt(scheme[0])}, which is not a PostgreSQL scheme`, "use postgres://… or postgresql://…, or the keyword=value form");
  }
  return fromKeywords(parseKeywordValue(conn));
}

/** Parses the keyword/value form into its pairs (the last of a repeated keyword counts). */
export function parseKeywordValue(conn: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  let previous: string | undefined;
  const space = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
  const skipSpace = () => {
    while (i < conn.length && space(conn[i])) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= conn.length) return out;
    const start = i;
    while (i < conn.length && !space(conn[i]) && conn[i] !== "=") i++;
    const keyword = conn.slice(start, i);
    skipSpace();
    if (conn[i] !== "=") {
      // the word may well be the rest of an unquoted password: it is never shown
      throw bad(
        `a word without "=" at character ${start + 1}${previous ? ` (after the value of ${previous})` : ""}`,
        "write keyword=value pairs; quote a value holding spaces: password='two words'",
      );
    }
    i++; // "="
    skipSpace();
    let value = "";
    if (conn[i] === "'") {
      i++;
      let closed = false;
      while (i < conn.length) {
        const c = conn[i]!;
        if (c === "\\" && i + 1 < conn.length) {
          value += conn[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw bad(`the quoted value of ${safeKeyword(keyword, previous)} is not closed`, "end it with ' (write \\' for a quote inside it)");
    } else {
      while (i < conn.length && !space(conn[i])) {
        if (conn[i] === "\\" && i + 1 < conn.length) i++;
        value += conn[i];
        i++;
      }
    }
    checkKeyword(keyword, previous);
    out.set(keyword, value);
    previous = keyword;
  }
}

function checkKeyword(keyword: string, previous: string | undefined): void {
  if (KNOWN.has(keyword)) return;
  if (UNSUPPORTED.has(keyword)) {
    throw bad(`option ${keyword} is not supported by meshroom's PostgreSQL client`, `remove it; supported options: ${SUPPORTED.join(", ")}`);
  }
  throw bad(`unknown option ${safeKeyword(keyword, previous)}`, `options: ${SUPPORTED.join(", ")}`);
}

/** A keyword as shown in a message: not when it follows a password (it may be a piece of it). */
function safeKeyword(keyword: string, previous: string | undefined): string {
  return previous === "password" || previous === "sslpassword" ? `(the word after the value of ${previous})` : JSON.stringify(excerpt(keyword));
}

function fromKeywords(kv: Map<string, string>): PgConnSettings {
  const get = (k: Keyword): string | undefined => {
    const v = kv.get(k);
    return v === undefined || v === "" ? undefined : v;
  };
  const out: PgConnSettings = {};
  // hostaddr is where to connect (an IP); host then only names the server (libpq)
  const host = get("hostaddr") ?? get("host");
  if (host !== undefined) {
    if (host.includes(",")) throw bad("several hosts are given", "meshroom's PostgreSQL client connects to one host: keep one in host=");
    out.host = host;
  }
  const port = get("port");
  if (port !== undefined) out.port = integer("port", port, 1, 65_535);
  for (const [key, field] of [["user", "user"], ["password", "password"], ["dbname", "database"]] as const) {
    const v = kv.get(key);
    if (v !== undefined) out[field] = v;
  }
  for (const key of ["application_name", "fallback_application_name", "options", "client_encoding"] as const) {
    const v = get(key);
    if (v !== undefined) out[key] = v;
  }
  const timeout = get("connect_timeout");
  // libpq: 0 (or less) waits forever; 1 counts as 2 seconds
  if (timeout !== undefined) {
    const s = integer("connect_timeout", timeout, -2_147_483_648, 2_147_483_647);
    out.connectionTimeoutMillis = s <= 0 ? 0 : Math.max(s, 2) * 1000;
  }
  const keepalives = get("keepalives");
  if (keepalives !== undefined) out.keepAlive = integer("keepalives", keepalives, 0, 2_147_483_647) !== 0;
  const idle = get("keepalives_idle");
  if (idle !== undefined) out.keepAliveInitialDelayMillis = integer("keepalives_idle", idle, 0, 2_147_483) * 1000;
  const ssl = sslOf(get);
  if (ssl !== undefined) out.ssl = ssl;
  return out;
}

/**
 * sslmode as libpq means it, within what the `pg` client can do: disable and allow connect in
 * clear; prefer and require encrypt without checking the certificate (`pg` cannot fall back to
 * clear as libpq's prefer does, so prefer requires TLS); verify-ca checks the chain against
 * sslrootcert; verify-full checks the chain and the host name. Unset: as libpq's prefer,
 * except when sslrootcert is given (libpq then verifies as verify-ca).
 */
function sslOf(get: (k: Keyword) => string | undefined): PgConnSettings["ssl"] {
  const mode = get("sslmode");
  const files: { cert?: string; key?: string; ca?: string; passphrase?: string } = {};
  const cert = get("sslcert");
  const key = get("sslkey");
  const root = get("sslrootcert");
  if (cert !== undefined) files.cert = readSslFile("sslcert", cert);
  if (key !== undefined) files.key = readSslFile("sslkey", key);
  if (root !== undefined && root !== "system") files.ca = readSslFile("sslrootcert", root);
  const passphrase = get("sslpassword");
  if (passphrase !== undefined) files.passphrase = passphrase;
  const direct = get("sslnegotiation");
  if (direct !== undefined && direct !== "postgres" && direct !== "direct") throw bad("sslnegotiation must be postgres or direct");
  switch (mode) {
    case undefined:
      if (Object.keys(files).length === 0 && direct === undefined) return undefined;
      return root !== undefined ? { ...files, checkServerIdentity: () => undefined } : { ...files, rejectUnauthorized: false };
    case "disable":
    case "allow":
      return false;
    case "prefer":
    case "require":
      return root !== undefined ? { ...files, checkServerIdentity: () => undefined } : { ...files, rejectUnauthorized: false };
    case "verify-ca":
      if (root === undefined) throw bad("sslmode=verify-ca needs sslrootcert (the CA to check the server against)");
      return { ...files, checkServerIdentity: () => undefined };
    case "verify-full":
      return { ...files };
    default:
      throw bad(`sslmode ${JSON.stringify(excerpt(mode))} is not one of disable, allow, prefer, require, verify-ca, verify-full`);
  }
}

function readSslFile(keyword: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw bad(`cannot read the ${keyword} file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function integer(keyword: string, text: string, min: number, max: number): number {
  const n = /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw bad(`${keyword} must be an integer${min >= 0 ? ` from ${min} to ${max}` : ""}, not ${JSON.stringify(excerpt(text))}`);
  }
  return n;
}

function bad(what: string, fix?: string): MeshroomError {
  return new MeshroomError("E_BAD_VALUE", `Invalid PostgreSQL connection string for the state backend: ${what}`, {
    detail: `${fix ? `${fix}. ` : ""}Both forms are accepted: postgres://user:password@host:5432/db and host=host port=5432 user=user dbname=db (set in MESHROOM_PG_CONN_STR or backend.conn_str).`,
  });
}
