import pg from "pg";
import { isMeshroomError } from "../../errors/index.js";
import { pgConnSettings, type PgConnSettings } from "./conn-string.js";
import { ensureTables, tablesFor, type PgTables } from "./sql.js";

export interface PgBackendOptions {
  connectionString: string;
  /** Schema holding the tables (default `meshroom`); created if missing. */
  schema?: string;
  /** Where the state a failed write meant to save goes, per workspace (absent: nowhere). */
  erroredPath?: (workspace: string) => string;
  /** The connection string as shown in messages (default: as given). Pass it without password. */
  display?: string;
  connectTimeoutMs?: number;
  /** Longest a single query may take before the backend gives up on the connection (default 60 s). */
  queryTimeoutMs?: number;
}

/**
 * What the stores and locks of one `PgBackend` share: the connection pool, the table names,
 * and the one-time creation of the tables. Pooled connections are unref'ed when idle, so a
 * CLI process exits when its work is done without closing the backend.
 */
export class PgContext {
  readonly pool: pg.Pool;
  readonly tables: PgTables;
  readonly schema: string;
  readonly display: string;
  private _ready: Promise<void> | undefined;
  /** What the connection string sets (either form), parsed once. */
  private readonly _conn: PgConnSettings;

  constructor(readonly opts: PgBackendOptions) {
    this._conn = pgConnSettings(opts.connectionString);
    this.schema = opts.schema ?? "meshroom";
    this.tables = tablesFor(this.schema);
    this.display = opts.display ?? opts.connectionString;
    this.pool = new pg.Pool({ ...this._clientConfig(), max: 4, allowExitOnIdle: true });
    // An idle pooled connection that dies (server restart) is dropped; the next query reconnects.
    this.pool.on("error", () => undefined);
  }

  /** Where messages say the state of `workspace` lives. */
  location(workspace: string): string {
    return `PostgreSQL ${this.display}, table ${this.tables.states.replaceAll('"', "")}, workspace "${workspace}"`;
  }

  /** A dedicated connection (not pooled), e.g. to hold a session advisory lock. */
  newClient(): pg.Client {
    return new pg.Client(this._clientConfig());
  }

  /** Creates the schema and tables once per backend (retried after a failure). Callers wrap its errors. */
  ready(): Promise<void> {
    this._ready ??= this.withClient((c) => ensureTables(c, this.schema)).catch((e: unknown) => {
      this._ready = undefined;
      throw e;
    });
    return this._ready;
  }

  /** Runs `fn` on a pooled connection; a connection that failed is discarded, not reused. */
  async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      // A refusal leaves the connection usable; anything else may have broken it.
      if (!isMeshroomError(e)) failed = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.release(failed);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private _clientConfig(): pg.ClientConfig {
    // what the connection string says wins over meshroom's defaults (as in a URI's query)
    return {
      connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 10_000,
      query_timeout: this.opts.queryTimeoutMs ?? 60_000,
      keepAlive: true,
      application_name: "meshroom",
      ...this._conn,
    };
  }
}
