import type { StateWriter } from "./backend.js";
import type { MeshState } from "./model.js";

export interface PersisterOptions {
  /** Told about each failed background write (the error is also thrown by the next `flush`). */
  onWriteError?: (error: unknown) => void;
  /** Called when a `flush` starts waiting for a save (a writer pacing its saves should save at once). */
  onAwaited?: () => void;
}

export interface PersisterStats {
  /** `update` calls so far. */
  updates: number;
  /** Writes that reached storage (content changed). */
  writes: number;
}

/**
 * Saves the in-memory state as apply changes it. `update` applies a change and schedules a
 * save; at most one write is in flight and each write takes the latest snapshot, so updates
 * that arrive during a write coalesce into the next one. Saving after each of N resources
 * therefore costs (number of writes) × O(N), where the number of writes is bounded by how long
 * the run lasts, not by N. `flush()` resolves once every update made before it is durable.
 */
export class StatePersister {
  readonly state: MeshState;
  private readonly _writer: StateWriter;
  private readonly _opts: PersisterOptions;
  private _gen = 0;
  private _durableGen = 0;
  private _inflight: Promise<void> | undefined;
  private _error: unknown;
  private _waiting = 0;
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
    if (!this._inflight) this._inflight = this._loop();
  }

  /** Resolves when every update made before this call is stored; throws the write error if not. */
  async flush(): Promise<void> {
    const target = this._gen;
    if (this._durableGen >= target) return;
    this._waiting++;
    this._opts.onAwaited?.();
    try {
      while (this._durableGen < target) {
        this._inflight ??= this._loop();
        await this._inflight;
        if (this._durableGen < target && this._error !== undefined) throw this._error;
      }
    } finally {
      this._waiting--;
    }
  }

  /** True while a `flush` waits for a save (a writer that paces its saves should not make it wait longer). */
  get awaited(): boolean {
    return this._waiting > 0;
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

  /** True when updates are not yet stored. */
  get dirty(): boolean {
    return this._durableGen < this._gen;
  }

  get stats(): Readonly<PersisterStats> {
    return this._stats;
  }

  private async _loop(): Promise<void> {
    this._error = undefined;
    try {
      // Let the current burst of synchronous updates land first: they share this write.
      await Promise.resolve();
      while (this._durableGen < this._gen) {
        const gen = this._gen;
        const out = await this._writer.write(this.state.toFile());
        this._accept(out.state.serial, out.state.meshroom_version, gen, out.written);
      }
    } catch (e) {
      this._error = e;
      this._opts.onWriteError?.(e);
    } finally {
      // Cleared in the same turn as the loop's last check, so no update can fall between.
      this._inflight = undefined;
    }
  }

  private _accept(serial: number, meshroomVersion: string, gen: number, written: boolean): void {
    this.state.serial = Math.max(this.state.serial, serial);
    this.state.meshroomVersion = meshroomVersion;
    this._durableGen = Math.max(this._durableGen, gen);
    if (written) this._stats.writes++;
  }
}
