import type pg from "pg";
import { MeshroomError } from "../../errors/index.js";
import { assertWorkspaceName, DEFAULT_WORKSPACE, type StateBackend } from "../backend.js";
import { lockedError } from "../lock-messages.js";
import { assertSchemaName } from "./config.js";
import { PgContext, type PgBackendOptions } from "./pg-context.js";
import { pgFailure } from "./pg-errors.js";
import { PgStateStore } from "./pg-store.js";
import { workspaceLockKey } from "./sql.js";

/**
 * The PostgreSQL backend (after Terraform's `pg`): in one schema, `meshroom_states` holds one
 * row per workspace and `meshroom_locks` the details of held locks; locks are session advisory
 * locks. Tables are created on first use. See `PgStateStore` and `PgLocker`.
 */
export class PgBackend implements StateBackend {
  readonly type = "pg";
  private readonly _ctx: PgContext;
  private readonly _stores = new Map<string, PgStateStore>();

  constructor(opts: PgBackendOptions) {
    if (opts.schema !== undefined) assertSchemaName(opts.schema);
    this._ctx = new PgContext(opts);
  }

  get schema(): string {
    return this._ctx.schema;
  }

  store(workspace: string = DEFAULT_WORKSPACE): PgStateStore {
    assertWorkspaceName(workspace);
    let s = this._stores.get(workspace);
    if (!s) {
      s = new PgStateStore(this._ctx, workspace);
      this._stores.set(workspace, s);
    }
    return s;
  }

  async listWorkspaces(): Promise<string[]> {
    try {
      await this._ctx.ready();
      const r = await this._ctx.pool.query<{ workspace: string }>(
        `SELECT workspace FROM ${this._ctx.tables.states} WHERE workspace <> $1 ORDER BY workspace COLLATE "C"`,
        [DEFAULT_WORKSPACE],
      );
      return [DEFAULT_WORKSPACE, ...r.rows.map((x) => x.workspace)];
    } catch (e) {
      throw pgFailure("E_STATE", "list the workspaces", `PostgreSQL ${this._ctx.display}`, e);
    }
  }

  /**
   * Deletes the row in one transaction that holds the workspace's advisory lock (transaction
   * scope), so a workspace being applied cannot be deleted under its holder.
   */
  async deleteWorkspace(name: string): Promise<void> {
    assertWorkspaceName(name);
    if (name === DEFAULT_WORKSPACE) throw new MeshroomError("E_USAGE", "The default workspace cannot be deleted.");
    const store = this.store(name);
    let outcome: "locked" | "deleted" | "missing";
    try {
      await this._ctx.ready();
      outcome = await this._ctx.withClient((c) => this._deleteRow(c, name));
    } catch (e) {
      throw pgFailure("E_STATE", `delete workspace "${name}"`, store.location, e);
    }
    if (outcome === "locked") {
      const info = await store.lockInfo();
      throw lockedError(info ? { info } : { unreadable: "its holder has not recorded its details yet" }, store.location, 0);
    }
    if (outcome === "missing") {
      throw new MeshroomError("E_NOT_FOUND", `Workspace ${JSON.stringify(name)} does not exist.`, {
        detail: `Known workspaces: ${(await this.listWorkspaces()).join(", ")}.`,
      });
    }
    this._stores.delete(name);
  }

  private async _deleteRow(c: pg.ClientBase, name: string): Promise<"locked" | "deleted" | "missing"> {
    const t = this._ctx.tables;
    await c.query("BEGIN");
    try {
      const l = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1::bigint) AS ok", [workspaceLockKey(this._ctx.schema, name)]);
      if (!l.rows[0]?.ok) {
        await c.query("ROLLBACK");
        return "locked";
      }
      const d = await c.query(`DELETE FROM ${t.states} WHERE workspace = $1`, [name]);
      await c.query(`DELETE FROM ${t.locks} WHERE workspace = $1`, [name]);
      await c.query("COMMIT");
      return d.rowCount ? "deleted" : "missing";
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** Ends the pooled connections (a CLI run need not: idle connections do not keep it alive). */
  close(): Promise<void> {
    return this._ctx.close();
  }
}
