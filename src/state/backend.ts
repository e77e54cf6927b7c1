import { MeshroomError } from "../errors/index.js";
import type { StateFile } from "./schema.js";

/**
 * Where state lives, as small roles (after Terraform's statemgr). A backend hands out one
 * `StateStore` per workspace; every backend passes the same conformance suite
 * (`test/state/conformance.ts`).
 */

export const DEFAULT_WORKSPACE = "default";

export interface StateReader {
  /** The stored state, parsed and validated, or undefined when none was written yet. */
  read(): Promise<StateFile | undefined>;
}

export interface WriteOutcome {
  /** The state as now stored (serial possibly bumped, meshroom_version stamped). */
  state: StateFile;
  /** False when the content was unchanged: nothing was written and the serial did not move. */
  written: boolean;
}

export interface StateWriter {
  /**
   * Stores `state`. `state.serial` is the serial it was read at (or last written with).
   * The serial moves (to stored + 1) only when the content differs from what is stored.
   * Refuses with E_STATE when the stored state has another lineage or a higher serial
   * (someone else wrote since); fails with E_STATE_WRITE when the storage itself fails.
   * The caller must not mutate `state` until the promise settles.
   */
  write(state: StateFile): Promise<WriteOutcome>;
  // A store is plain storage: it takes one `write` at a time (E_INTERNAL for a second one while
  // the first is in flight) and schedules nothing; a run's writes go through StatePersister.
  /**
   * Optional synchronous `write`, for a last save from a signal handler right before exiting.
   * Same checks and outcome as `write`.
   */
  writeSync?(state: StateFile): WriteOutcome;
  /**
   * Optional, for a backend that cannot store synchronously (a database): saves `state`
   * synchronously next to the project instead (the errored file) and returns where, for
   * `meshroom state push`; undefined when it could not. The stored state is unchanged.
   */
  saveAsideSync?(state: StateFile): string | undefined;
}

/** What the caller says about itself when taking a lock. */
export interface LockRequest {
  /** e.g. "apply", "plan", "destroy", "state rm" */
  operation: string;
  /** default: user@host of this process */
  who?: string;
}

/** What a lock records; shown to whoever finds the state locked. */
export interface LockInfo {
  id: string;
  operation: string;
  who: string;
  version: string;
  created: string;
  path: string;
  pid: number;
  host: string;
}

export interface LockHandle {
  readonly id: string;
  readonly info: LockInfo;
  /** e.g. that a stale lock of a dead process on this host was broken to take this one. */
  readonly warnings: string[];
  /** Same as `unlock(id)`. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Keep trying until then (0 / absent: fail at once with E_STATE_LOCKED). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StateLocker {
  /** Takes the lock or throws E_STATE_LOCKED naming the holder and the `meshroom force-unlock <id>` command. */
  lock(req: LockRequest, opts?: LockOptions): Promise<LockHandle>;
  /** Releases a lock this process holds. No lock: no-op. Another id holds it: E_STATE. */
  unlock(id: string): Promise<void>;
  /** Removes the lock only if its id is `id` (E_STATE otherwise; E_NOT_FOUND when unlocked). */
  forceUnlock(id: string): Promise<void>;
  /** The current lock, if any (for `force-unlock` and messages). */
  lockInfo(): Promise<LockInfo | undefined>;
}

/** The state of one workspace: read, write, lock. */
export interface StateStore extends StateReader, StateWriter, StateLocker {
  readonly workspace: string;
  /** Where it lives, for messages (a file path, a table row, …). */
  readonly location: string;
}

export interface StateBackend {
  /** e.g. "local", "pg" */
  readonly type: string;
  /** The store of one workspace (default: `default`). Does not create anything yet. */
  store(workspace?: string): StateStore;
  /** Workspaces with stored state, `default` always first, the others sorted. */
  listWorkspaces(): Promise<string[]>;
  /** Deletes a workspace's state and lock. Refuses `default` (E_USAGE) and locked ones (E_STATE_LOCKED). */
  deleteWorkspace(name: string): Promise<void>;
}

const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Workspace names are letters, digits, `-` and `_` (they become directory names and row keys). */
export function assertWorkspaceName(name: string): void {
  if (!WORKSPACE_NAME.test(name)) {
    throw new MeshroomError("E_BAD_NAME", `Invalid workspace name ${JSON.stringify(name)}`, {
      detail: "Use 1-64 letters, digits, '-' or '_', starting with a letter or digit.",
    });
  }
}

/** A second write while one is in flight: the caller broke the one-at-a-time contract (a bug, not a user error). */
export function overlappingWrite(location: string): MeshroomError {
  return new MeshroomError("E_INTERNAL", `A state write to ${location} started while another was in flight`, {
    detail: "State stores take one write at a time; writes during a run go through StatePersister. Please report this.",
  });
}
