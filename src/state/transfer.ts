import { rename } from "node:fs/promises";
import { MeshroomError } from "../errors/index.js";
import { errCode } from "../util/atomic-write.js";
import type { StateBackend, StateStore, WriteOutcome } from "./backend.js";
import { LocalStateStore } from "./local-store.js";
import { renderState } from "./render-state.js";
import type { StateFile } from "./schema.js";

/** A store that can replace whatever is stored (the pg store's `overwrite`). */
interface Overwritable {
  overwrite(state: StateFile): Promise<WriteOutcome>;
}

export interface PushOptions {
  /** Replace the stored state even if it has another lineage, a newer serial, or other content at the same serial. */
  force?: boolean;
}

/**
 * Stores `state` (e.g. a local file, or an errored file left by a failed save) in `store`.
 * Refuses, unless `force`, when the stored state has another lineage, a newer serial, or the
 * same serial with other content (two histories that diverged): the stored one would be lost.
 * The pushed serial is kept. The caller holds the store's lock.
 */
export async function pushState(store: StateStore, state: StateFile, opts: PushOptions = {}): Promise<WriteOutcome> {
  const stored = await store.read();
  if (stored && !opts.force) {
    const why =
      stored.lineage !== state.lineage
        ? `it holds another state (lineage ${stored.lineage}, this one ${state.lineage})`
        : stored.serial > state.serial
          ? `it is newer (serial ${stored.serial}, this one ${state.serial})`
          : stored.serial === state.serial && !renderState(stored).sameContent(renderState(state))
            ? `it has other content at the same serial ${stored.serial}`
            : undefined;
    if (why) {
      throw new MeshroomError("E_STATE", `Refusing to replace the state in ${store.location}: ${why}.`, {
        detail: "Check you are pushing the right file to the right workspace; --force replaces the stored state anyway (it is then lost).",
      });
    }
  }
  if (stored && opts.force) {
    if (isOverwritable(store)) return store.overwrite(state);
    if (store instanceof LocalStateStore) {
      // Keep the replaced state as the backup, then write as if there were none.
      await rename(store.paths.state, store.paths.backup).catch((e: unknown) => {
        if (errCode(e) !== "ENOENT") throw e;
      });
      return store.write({ ...state, serial: Math.max(state.serial, stored.serial) });
    }
    throw new MeshroomError("E_USAGE", `The ${store.location} store cannot be overwritten with --force.`);
  }
  // Keep the pushed serial (a copy is the same history, not a new change): the write rules
  // store `given + 1`, so give one less, never below what is stored.
  return store.write({ ...state, serial: Math.max(stored?.serial ?? 0, state.serial - 1, 0) });
}

export interface MigratedWorkspace {
  workspace: string;
  /** The serial now stored at the destination; undefined when the source had no state. */
  serial?: number;
  written: boolean;
}

/**
 * Copies every workspace's state from `from` to `to` with `pushState`'s rules, holding both
 * stores' locks for each copy. Stops at the first refusal (earlier workspaces stay copied).
 */
export async function migrateState(from: StateBackend, to: StateBackend, opts: PushOptions & { lockTimeoutMs?: number } = {}): Promise<MigratedWorkspace[]> {
  const out: MigratedWorkspace[] = [];
  const lockOpts = opts.lockTimeoutMs ? { timeoutMs: opts.lockTimeoutMs } : {};
  for (const ws of await from.listWorkspaces()) {
    const src = from.store(ws);
    const dst = to.store(ws);
    const srcLock = await src.lock({ operation: "state migrate" }, lockOpts);
    try {
      const dstLock = await dst.lock({ operation: "state migrate" }, lockOpts);
      try {
        const state = await src.read();
        if (!state) {
          out.push({ workspace: ws, written: false });
          continue;
        }
        const r = await pushState(dst, state, opts);
        out.push({ workspace: ws, serial: r.state.serial, written: r.written });
      } finally {
        await dstLock.release();
      }
    } finally {
      await srcLock.release();
    }
  }
  return out;
}

function isOverwritable(s: StateStore): s is StateStore & Overwritable {
  return typeof (s as Partial<Overwritable>).overwrite === "function";
}
