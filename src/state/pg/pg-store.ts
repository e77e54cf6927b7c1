import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type pg from "pg";
import { isMeshroomError, MeshroomError } from "../../errors/index.js";
import { PRIVATE_FILE_MODE, writeFileAtomicSync } from "../../util/atomic-write.js";
import { VERSION } from "../../util/version.js";
import { overlappingWrite, type LockHandle, type LockInfo, type LockOptions, type LockRequest, type StateStore, type WriteOutcome } from "../backend.js";
import { renderState, type RenderedState } from "../render-state.js";
import { parseStateText, type StateFile } from "../schema.js";
import { decideWrite } from "../write-rules.js";
import type { PgContext } from "./pg-context.js";
import { pgFailure, pgReason } from "./pg-errors.js";
import { PgLocker } from "./pg-lock.js";

interface StoredRow {
  lineage: string;
  serial: string;
  content_sha256: string;
}

/**
 * One workspace of the pg backend: one row of `meshroom_states`. A write runs in a transaction
 * that locks the row (`SELECT … FOR UPDATE`) and applies the shared lineage/serial rules
 * (`decideWrite`) against what is stored, comparing content by hash. While this store holds the
 * state lock, writes go through the lock's own session: if that session was lost (or ended by a
 * force-unlock), the write fails rather than writing without the lock. A failed write saves the
 * state it meant to store to the errored file, as the local backend does.
 */
export class PgStateStore implements StateStore {
  readonly location: string;
  private readonly _locker: PgLocker;
  private _writing = false;

  constructor(
    private readonly _ctx: PgContext,
    readonly workspace: string,
  ) {
    this.location = _ctx.location(workspace);
    this._locker = new PgLocker(_ctx, workspace);
  }

  async read(): Promise<StateFile | undefined> {
    let text: string | undefined;
    try {
      await this._ctx.ready();
      const r = await this._ctx.pool.query<{ state: string }>(`SELECT state FROM ${this._ctx.tables.states} WHERE workspace = $1`, [this.workspace]);
      text = r.rows[0]?.state;
    } catch (e) {
      throw pgFailure("E_STATE", "read the state", this.location, e);
    }
    return text === undefined ? undefined : parseStateText(text, this.location);
  }

  write(state: StateFile): Promise<WriteOutcome> {
    return this._oneAtATime(state, false);
  }

  /**
   * Stores `state` whatever is stored (other lineage, newer serial): for `state push --force`.
   * The serial becomes max(stored, given) + 1 so every reader sees the change.
   */
  overwrite(state: StateFile): Promise<WriteOutcome> {
    return this._oneAtATime(state, true);
  }

  /** Plain storage: one write at a time (a run's writes are scheduled by StatePersister). */
  private async _oneAtATime(state: StateFile, force: boolean): Promise<WriteOutcome> {
    if (this._writing) throw overlappingWrite(this.location);
    this._writing = true;
    try {
      return await this._writeNow(state, renderState(state), force);
    } finally {
      this._writing = false;
    }
  }

  lock(req: LockRequest, opts?: LockOptions): Promise<LockHandle> {
    return this._locker.lock(req, opts);
  }

  unlock(id: string): Promise<void> {
    return this._locker.unlock(id);
  }

  forceUnlock(id: string): Promise<void> {
    return this._locker.forceUnlock(id);
  }

  lockInfo(): Promise<LockInfo | undefined> {
    return this._locker.lockInfo();
  }

  private async _writeNow(state: StateFile, rendered: RenderedState, force: boolean): Promise<WriteOutcome> {
    try {
      await this._ctx.ready();
      const held = this._locker.held;
      if (held?.lost) {
        throw new MeshroomError("E_STATE_WRITE", `Lost the database session holding the state lock: ${pgReason(held.lost)}.`, {
          detail: "The lock went with it (someone may have force-unlocked it), so the state was not written.",
        });
      }
      const serial = held
        ? await this._transaction(held.client, state, rendered, force)
        : await this._ctx.withClient((c) => this._transaction(c, state, rendered, force));
      if (serial.write) return { state: { ...state, serial: serial.serial, meshroom_version: VERSION }, written: true };
      return { state: { ...state, serial: serial.serial }, written: false };
    } catch (e) {
      throw this._writeError(e, rendered, state.serial + 1);
    }
  }

  private async _transaction(c: pg.ClientBase, state: StateFile, rendered: RenderedState, force: boolean): Promise<{ write: boolean; serial: number }> {
    const t = this._ctx.tables.states;
    const hash = rendered.contentKey; // already the SHA-256 (hex) of the content
    await c.query("BEGIN");
    try {
      const r = await c.query<StoredRow>(`SELECT lineage, serial::text AS serial, content_sha256 FROM ${t} WHERE workspace = $1 FOR UPDATE`, [this.workspace]);
      const row = r.rows[0];
      const stored = row && { lineage: row.lineage, serial: Number(row.serial), content: row.content_sha256 };
      const d = force
        ? { write: true, serial: Math.max(stored?.serial ?? 0, state.serial) + 1 }
        : decideWrite(state, rendered, stored, this.location);
      if (d.write) {
        const values = [this.workspace, state.lineage, d.serial, hash, rendered.text(d.serial, VERSION)];
        // No row yet: a plain INSERT, so of two first writers racing, the second fails rather than overwrites.
        await c.query(
          stored
            ? `UPDATE ${t} SET lineage = $2, serial = $3, content_sha256 = $4, state = $5, updated_at = now() WHERE workspace = $1`
            : `INSERT INTO ${t} (workspace, lineage, serial, content_sha256, state) VALUES ($1, $2, $3, $4, $5)`,
          values,
        );
      }
      await c.query("COMMIT");
      return d;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      if ((e as { code?: unknown }).code === "23505") {
        throw new MeshroomError("E_STATE", `Refusing to overwrite the state in ${this.location}: it changed since it was read.`, {
          detail: "Another meshroom wrote the first state of this workspace meanwhile. Run the command again to work from it.",
        });
      }
      throw e;
    }
  }

  /**
   * The last save from a signal handler about to exit: PostgreSQL cannot be reached
   * synchronously, so the state goes to the errored file (atomically), whence
   * `meshroom state push` stores it. The row is unchanged.
   */
  saveAsideSync(state: StateFile): string | undefined {
    const r = this._saveErrored(renderState(state).text(state.serial + 1, VERSION));
    return r.saved ? r.path : undefined;
  }

  /** Writes `text` to this workspace's errored file (atomically), when the backend has one. */
  private _saveErrored(text: string): { path?: string; saved: boolean } {
    const path = this._ctx.opts.erroredPath?.(this.workspace);
    if (!path) return { saved: false };
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomicSync(path, text, { mode: PRIVATE_FILE_MODE });
      return { path, saved: true };
    } catch {
      return { path, saved: false };
    }
  }

  /** Saves what this write meant to store to the errored file, and says so in the error. */
  private _writeError(cause: unknown, rendered: RenderedState, serial: number): MeshroomError {
    const { path, saved } = this._saveErrored(rendered.text(serial, VERSION));
    let where = "It could not be saved anywhere else: check the resources before the next apply.";
    if (path) where = saved ? `The state this run meant to save was written to ${path}.` : `Writing it to ${path} failed too.`;
    if (isMeshroomError(cause)) {
      return new MeshroomError(cause.code, cause.message, { detail: [cause.detail, where].filter(Boolean).join("\n"), cause });
    }
    return new MeshroomError("E_STATE_WRITE", `Failed to save state to ${this.location}: ${pgReason(cause)}. ${where}`, {
      detail: path
        ? `The stored row is unchanged (the write was one transaction). Once the server is reachable, run \`meshroom state push ${path}\` to store it.`
        : "The stored row is unchanged (the write was one transaction) and behind what was done.",
      cause,
    });
  }
}
