import type { StateWriter } from "./backend.js";
import type { MeshState } from "./model.js";

/**
 * How background saves are paced (Terraform's PersistInterval, adapted to saves whose cost grows
 * with the state): after a save lands, the next waits at least `minGapMs` and `costFactor` times
 * as long as that save took, but never more than `maxGapMs`. Saving thus stays at most
 * 1 / (1 + costFactor) of the run, and nothing waits for the disk longer than one gap plus one
 * save. Nobody waits for a paced save: a `flush` (a step being committed, the final save) ends
 * the gap at once.
 */
export interface SavePacing {
  minGapMs: number;
  costFactor: number;
  maxGapMs: number;
}

/** The pacing apply uses: 25 ms to 100 ms between saves, saving at most a quarter of the time. */
export const APPLY_SAVE_PACING: Readonly<SavePacing> = { minGapMs: 25, costFactor: 3, maxGapMs: 100 };

export interface PersisterOptions {
  /** Told about each failed background write (the error is also thrown by the next `flush`). */
  onWriteError?: (error: unknown) => void;
  /** Pace background saves (absent: the next save starts as soon as the previous one landed). */
  pacing?: SavePacing;
}

export interface PersisterStats {
  /** `update` calls so far. */
  updates: number;
  /** Writes that reached storage (content changed). */
  writes: number;
}

/** What a last-moment save (`saveNow`) did, for the message of a process about to exit. */
export interface EmergencySave {
  /** True when the latest state is in the backend (saved now, or nothing was left to save). */
  stored: boolean;
  /** A backend that cannot store synchronously: the file the state was written to instead, for `meshroom state push`. */
  savedTo?: string;
  /** Why the save failed (the state then went to the errored file when it could). */
  error?: unknown;
}

interface Waiter {
  gen: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The one persistence pipeline of a run that changes state (after Terraform's StateHook, which
 * owns PersistInterval and Stopping()): every change goes through `update`, and this object alone
 * decides when the state is written. The store it writes to is plain storage that is handed one
 * write at a time.
 * - periodic: `update` schedules a background save; at most one write is in flight, each write
 *   takes the latest snapshot (updates that arrive during a write coalesce into the next one),
 *   and `pacing` spaces the writes out. Saving after each of N resources therefore costs
 *   (number of writes) × O(N), the number of writes bounded by how long the run lasts, not by N.
 * - per step (group commit): `flush()` resolves once every update made before it is stored;
 *   everyone who waits meanwhile shares the next write, which starts at once (no pacing gap).
 * - stopping: `saveNow()` saves synchronously for a process about to exit (a second Ctrl-C),
 *   `saveWhenStopped(signal)` does so the moment a signal aborts.
 */
export class StatePersister {
  readonly state: MeshState;
  private readonly _writer: StateWriter;
  private readonly _opts: PersisterOptions;
  private _gen = 0;
  private _durableGen = 0;
  private _inflight: Promise<void> | undefined;
  /** `flush` callers, in call order (so their generations never decrease). */
  private _waiters: Waiter[] = [];
  private _lastEnd = 0;
  private _lastCost = 0;
  private _endGap: (() => void) | undefined;
  private readonly _stats: PersisterStats = { updates: 0, writes: 0 };

  constructor(writer: StateWriter, state: MeshState, opts: PersisterOptions = {}) {
    this._writer = writer;
    this.state = state;
    this._opts = opts;
  }

  /** Changes the state (synchronously) and schedules a save. */
  update(mutator: (state: MeshState) => void): void {
    mutator(this.state);
    this._gen++;
    this._stats.updates++;
    this._inflight ??= this._loop();
  }

  /**
   * Resolves when every update made before this call is stored; rejects with the write error if
   * not. All callers waiting at once share one write (group commit); a later flush after a
   * failure tries again.
   */
  flush(): Promise<void> {
    const gen = this._gen;
    if (this._durableGen >= gen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this._waiters.push({ gen, resolve, reject });
      this._inflight ??= this._loop();
      this._endGap?.();
    });
  }

  /** True while a `flush` waits for a save. */
  get awaited(): boolean {
    return this._waiters.length > 0;
  }

  /**
   * Saves the latest state synchronously, for a signal handler about to exit. Returns false when
   * the backend has no synchronous write. A background write still in flight is abandoned by
   * the backend if it has not landed yet, so the older snapshot cannot overwrite this one.
   */
  flushSync(): boolean {
    if (!this._writer.writeSync) return false;
    if (this._durableGen === this._gen) return true;
    const gen = this._gen;
    const out = this._writer.writeSync(this.state.toFile());
    this._accept(out.state.serial, out.state.meshroom_version, gen, out.written);
    return true;
  }

  /**
   * For a backend with no synchronous write: saves the latest state aside (see
   * `StateWriter.saveAsideSync`) and returns where; undefined when nothing needed saving or the
   * backend cannot.
   */
  saveAsideSync(): string | undefined {
    if (this._durableGen === this._gen || !this._writer.saveAsideSync) return undefined;
    return this._writer.saveAsideSync(this.state.toFile());
  }

  /**
   * The last save of a process about to exit: synchronously into the backend, or (a backend that
   * cannot store synchronously) aside to a file. Never throws: a failure is in the result.
   */
  saveNow(): EmergencySave {
    try {
      if (this.flushSync()) return { stored: true };
      const savedTo = this.saveAsideSync();
      return savedTo === undefined ? { stored: !this.dirty } : { stored: false, savedTo };
    } catch (error) {
      return { stored: false, error };
    }
  }

  /**
   * Runs `saveNow` the moment `signal` aborts (the listener runs inside `abort()`, so the caller
   * may exit right after it) and tells `report` what it did. Returns a function that stops
   * listening (call it once the run is over: the normal final save then did the work).
   */
  saveWhenStopped(signal: AbortSignal, report: (saved: EmergencySave) => void = () => undefined): () => void {
    const onStop = (): void => report(this.saveNow());
    if (signal.aborted) {
      onStop();
      return () => undefined;
    }
    signal.addEventListener("abort", onStop, { once: true });
    return () => signal.removeEventListener("abort", onStop);
  }

  /** True when updates are not yet stored. */
  get dirty(): boolean {
    return this._durableGen < this._gen;
  }

  get stats(): Readonly<PersisterStats> {
    return this._stats;
  }

  private async _loop(): Promise<void> {
    try {
      // Let the current burst of synchronous updates land first: they share this write.
      await Promise.resolve();
      while (this._durableGen < this._gen) {
        await this._gap();
        const gen = this._gen;
        const t0 = performance.now();
        try {
          const out = await this._writer.write(this.state.toFile());
          this._accept(out.state.serial, out.state.meshroom_version, gen, out.written);
        } finally {
          this._lastEnd = performance.now();
          this._lastCost = this._lastEnd - t0;
        }
      }
    } catch (e) {
      const failed = this._waiters;
      this._waiters = [];
      for (const w of failed) w.reject(e);
      this._opts.onWriteError?.(e);
    } finally {
      // Cleared in the same turn as the loop's last check, so no update can fall between.
      this._inflight = undefined;
    }
  }

  /** The pacing gap before a background save; none when someone waits for it. */
  private async _gap(): Promise<void> {
    const p = this._opts.pacing;
    if (!p || this.awaited) return;
    const gap = Math.min(p.maxGapMs, Math.max(p.minGapMs, p.costFactor * this._lastCost));
    const wait = this._lastEnd + gap - performance.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, wait);
      this._endGap = () => (clearTimeout(t), resolve());
    });
    this._endGap = undefined;
  }

  private _accept(serial: number, meshroomVersion: string, gen: number, written: boolean): void {
    this.state.serial = Math.max(this.state.serial, serial);
    this.state.meshroomVersion = meshroomVersion;
    this._durableGen = Math.max(this._durableGen, gen);
    if (written) this._stats.writes++;
    let n = 0;
    while (n < this._waiters.length && this._waiters[n]!.gen <= this._durableGen) this._waiters[n++]!.resolve();
    if (n > 0) this._waiters = n === this._waiters.length ? [] : this._waiters.slice(n);
  }
}
