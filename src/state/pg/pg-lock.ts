import type pg from "pg";
import { MeshroomError } from "../../errors/index.js";
import type { LockHandle, LockInfo, LockOptions, LockRequest, StateLocker } from "../backend.js";
import { newLockInfo } from "../lock-file.js";
import { describeHolder, lockedError, lockIdMismatch, type LockHolder } from "../lock-messages.js";
import type { PgContext } from "./pg-context.js";
import { pgFailure } from "./pg-errors.js";
import { workspaceLockKey } from "./sql.js";
import { sleep } from "../../util/sleep.js";

/** A lock this process holds: the session that holds the advisory lock, kept open until release. */
export interface HeldLock {
  info: LockInfo;
  client: pg.Client;
  /** Set when that session failed: the lock is gone with it. */
  lost?: Error;
}

interface LockRow extends LockInfo {
  backend_pid: number;
}

/** How long a caller finding the advisory lock taken waits for the holder to record its details. */
const HOLDER_GRACE_MS = 2000;

/**
 * The state lock of one workspace: `pg_try_advisory_lock(key)` (key hashed from schema and
 * workspace) on a dedicated connection held open for the lock's lifetime, so the lock dies with
 * the holder (crash, network loss) and can never be left behind. The holder's details go to a
 * `meshroom_locks` row, which counts only while the database session named in it still holds
 * an advisory lock; a row left by a dead session is replaced by the next holder.
 *
 * `forceUnlock(id)` on a lock held by another process terminates that process's lock session
 * (`pg_terminate_backend`, which needs superuser, the same role, or pg_signal_backend) and
 * deletes the row; the holder's next state write then fails instead of writing unlocked.
 */
export class PgLocker implements StateLocker {
  private readonly _key: string;
  held: HeldLock | undefined;

  constructor(
    private readonly _ctx: PgContext,
    readonly workspace: string,
  ) {
    this._key = workspaceLockKey(_ctx.schema, workspace);
  }

  async lock(req: LockRequest, opts: LockOptions = {}): Promise<LockHandle> {
    const info = newLockInfo(req, this._ctx.location(this.workspace));
    const held: HeldLock = { info, client: this._ctx.newClient() };
    held.client.on("error", (e: Error) => {
      held.lost ??= e;
    });
    try {
      await this._ctx.ready();
      await held.client.connect();
      const warnings = await this._acquire(held, opts);
      this.held = held;
      return { id: info.id, info, warnings, release: () => this.unlock(info.id) };
    } catch (e) {
      await held.client.end().catch(() => undefined);
      throw pgFailure("E_STATE", "take the state lock", this._ctx.location(this.workspace), e);
    }
  }

  async unlock(id: string): Promise<void> {
    if (this.held?.info.id === id) return this._release(this.held);
    const holder = await this._holder();
    if (!holder) return;
    if (!("info" in holder) || holder.info.id !== id) throw lockIdMismatch(id, holder, this._ctx.location(this.workspace), "unlock");
    await this.forceUnlock(id); // ours, taken through another handle of this backend
  }

  async forceUnlock(id: string): Promise<void> {
    if (this.held?.info.id === id) return this._release(this.held);
    const where = this._ctx.location(this.workspace);
    const holder = await this._holder();
    if (!holder) {
      throw new MeshroomError("E_NOT_FOUND", `The state is not locked (${where}).`, { detail: "Nothing to unlock." });
    }
    if (!("info" in holder) || holder.info.id !== id) throw lockIdMismatch(id, holder, where, "force-unlock");
    const row = await this._row();
    await this._ctx
      .withClient(async (c) => {
        if (row) {
          const r = await c.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [row.backend_pid]);
          if (!r.rows[0]?.ok) throw new Error(`the session ${row.backend_pid} holding the lock could not be terminated`);
        }
        await c.query(`DELETE FROM ${this._ctx.tables.locks} WHERE workspace = $1 AND id = $2`, [this.workspace, id]);
        // The terminated session releases the advisory lock as it exits: wait for that.
        for (let i = 0; i < 100 && (await this._advisoryHeld(c)); i++) await sleep(50);
      })
      .catch((e: unknown) => {
        throw pgFailure("E_STATE", `force-unlock lock ID ${id}`, where, e,
          "Terminating the holder's database session needs superuser, the same database role, or the pg_signal_backend role.");
      });
  }

  async lockInfo(): Promise<LockInfo | undefined> {
    const h = await this._holder();
    return h && "info" in h ? h.info : undefined;
  }

  /** Tries until the deadline; returns the warnings of the taken lock. */
  private async _acquire(held: HeldLock, opts: LockOptions): Promise<string[]> {
    const timeoutMs = opts.timeoutMs ?? 0;
    const start = Date.now();
    let delay = 25;
    for (;;) {
      const r = await held.client.query<{ ok: boolean; bpid: number }>(
        "SELECT pg_try_advisory_lock($1::bigint) AS ok, pg_backend_pid() AS bpid",
        [this._key],
      );
      if (r.rows[0]?.ok) return this._record(held, r.rows[0].bpid);
      const holder = await this._holder();
      const waited = Date.now() - start;
      if (opts.signal?.aborted) throw new MeshroomError("E_ABORTED", "Stopped waiting for the state lock.");
      if (waited >= timeoutMs && (holder || waited >= HOLDER_GRACE_MS)) {
        throw lockedError(
          holder ?? { unreadable: "its holder has not recorded its details yet" },
          this._ctx.location(this.workspace),
          timeoutMs,
        );
      }
      await sleep(holder ? delay : 25, opts.signal);
      delay = Math.min(delay * 2, 500);
    }
  }

  private async _record(held: HeldLock, backendPid: number): Promise<string[]> {
    const i = held.info;
    i.created = new Date().toISOString();
    const t = this._ctx.tables.locks;
    const old = await held.client.query<LockRow>(`DELETE FROM ${t} WHERE workspace = $1 RETURNING *`, [this.workspace]);
    await held.client.query(
      `INSERT INTO ${t} (workspace, id, operation, who, version, created, path, pid, host, backend_pid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [this.workspace, i.id, i.operation, i.who, i.version, i.created, i.path, i.pid, i.host, backendPid],
    );
    return old.rows.map(
      (o) => `Removed the record of a stale state lock held by ${describeHolder(o)}: its database session had ended.`,
    );
  }

  private async _release(held: HeldLock): Promise<void> {
    if (this.held === held) this.held = undefined;
    try {
      if (!held.lost) {
        await held.client.query(`DELETE FROM ${this._ctx.tables.locks} WHERE workspace = $1 AND id = $2`, [this.workspace, held.info.id]);
        await held.client.query("SELECT pg_advisory_unlock($1::bigint)", [this._key]);
      }
    } catch {
      // The session is gone: the server dropped its advisory lock, and a row left behind no
      // longer counts (its session does not hold a lock). Nothing more to undo.
    } finally {
      await held.client.end().catch(() => undefined);
    }
  }

  /** The live holder: the lock row, if the session that wrote it still holds an advisory lock. */
  private async _holder(): Promise<LockHolder | undefined> {
    const row = await this._row();
    return row ? { info: toInfo(row) } : undefined;
  }

  private async _row(): Promise<LockRow | undefined> {
    const t = this._ctx.tables.locks;
    try {
      await this._ctx.ready();
      const r = await this._ctx.pool.query<LockRow>(
        `SELECT l.* FROM ${t} l WHERE l.workspace = $1 AND EXISTS (
           SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.backend_pid)`,
        [this.workspace],
      );
      return r.rows[0];
    } catch (e) {
      throw pgFailure("E_STATE", "read the state lock", this._ctx.location(this.workspace), e);
    }
  }

  private async _advisoryHeld(c: pg.ClientBase): Promise<boolean> {
    const hi = BigInt.asUintN(64, BigInt(this._key)) >> 32n;
    const lo = BigInt.asUintN(64, BigInt(this._key)) & 0xffffffffn;
    const r = await c.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1",
      [hi.toString(), lo.toString()],
    );
    return (r.rows[0]?.n ?? 0) > 0;
  }
}

function toInfo(r: LockRow): LockInfo {
  return { id: r.id, operation: r.operation, who: r.who, version: r.version, created: r.created, path: r.path, pid: r.pid, host: r.host };
}
