import type { StateFile, StateWriter, WriteOutcome } from "../state/index.js";

/**
 * Paces the persister's background saves. Rendering and fsyncing a large state costs O(size);
 * the persister starts the next save as soon as one lands, so on a big mesh saving would take
 * most of the process's time. This writer waits between saves (at least `minGapMs`, and
 * `costFactor` times as long as the last save took), then saves the latest state (`latest()`),
 * not the snapshot handed in, so nothing done meanwhile is lost: saving stays at most
 * 1 / (1 + costFactor) of the run, and the stored state lags the run by a few save times at most.
 * `writeSync` (the last save before exiting on a second Ctrl-C) is never delayed.
 *
 * Apply waits for a completed step to be saved before the resource goes on (group commit, see
 * apply/apply.ts), so the gap is also how long completions gather before they are written
 * together: it is capped at `maxGapMs`, which bounds how long a returned hook stays unrecorded
 * (one gap plus one save: the "group-commit interval").
 */
export class ThrottledWriter implements StateWriter {
  private _lastEnd = 0;
  private _lastCost = 0;
  private _hurry = false;

  constructor(
    private readonly _inner: StateWriter,
    private readonly _latest: () => StateFile,
    private readonly _minGapMs = 25,
    private readonly _costFactor = 3,
    private readonly _maxGapMs = 100,
  ) {}

  /** Asked before each save: true when someone waits for it (group commit: save at once, no gap). */
  awaited: () => boolean = () => false;
  private _wake: (() => void) | undefined;

  /** Someone started waiting for the save: end the pacing gap now. */
  wake(): void {
    this._wake?.();
  }

  async write(_snapshot: StateFile): Promise<WriteOutcome> {
    const gap = this._hurry || this.awaited() ? 0 : Math.min(this._maxGapMs, Math.max(this._minGapMs, this._costFactor * this._lastCost));
    const wait = this._lastEnd + gap - performance.now();
    if (wait > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        this._wake = () => (clearTimeout(t), r());
      });
      this._wake = undefined;
    }
    const t0 = performance.now();
    try {
      return await this._inner.write(this._latest());
    } finally {
      this._lastEnd = performance.now();
      this._lastCost = this._lastEnd - t0;
    }
  }

  /** From now on, save without waiting (the run is over: the last save should land at once). */
  hurry(): void {
    this._hurry = true;
  }

  get writeSync(): ((state: StateFile) => WriteOutcome) | undefined {
    const inner = this._inner;
    return inner.writeSync ? (state) => inner.writeSync!(state) : undefined;
  }

  get saveAsideSync(): ((state: StateFile) => string | undefined) | undefined {
    const inner = this._inner;
    return inner.saveAsideSync ? (state) => inner.saveAsideSync!(state) : undefined;
  }
}
