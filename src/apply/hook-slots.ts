import { MeshroomError } from "../errors/index.js";

/**
 * The `--parallelism` limit, on running hooks rather than on resources: a resource gives its
 * slot back while it waits for its completed step to reach the disk (see apply.ts), so hooks of
 * other resources run meanwhile and many completions share one state write.
 * A resource that already started gets a freed slot before one that has not (`resume`), so
 * resources finish rather than many being left half-done.
 */
export class HookSlots {
  private _free: number;
  private readonly _resume: Array<() => void> = [];
  private readonly _fresh: Array<() => void> = [];

  constructor(limit: number) {
    this._free = limit;
  }

  /** Resolves with a slot; rejects with E_ABORTED if `signal` aborts first. */
  acquire(signal: AbortSignal, resume: boolean): Promise<void> {
    if (signal.aborted) return Promise.reject(notStarted());
    if (this._free > 0) {
      this._free--;
      return Promise.resolve();
    }
    const queue = resume ? this._resume : this._fresh;
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(notStarted());
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(grant);
    });
  }

  release(): void {
    const next = this._resume.shift() ?? this._fresh.shift();
    if (next) next();
    else this._free++;
  }
}

/** A resource's hold on a slot: taken before each step, given back while waiting for the disk. */
export class SlotLease {
  private _held = false;

  constructor(
    private readonly _slots: HookSlots,
    private readonly _signal: AbortSignal,
  ) {}

  async take(): Promise<void> {
    if (this._held) return;
    await this._slots.acquire(this._signal, true);
    this._held = true;
  }

  /** The first slot of a resource, taken before anything about it changes (it queues behind started ones). */
  async takeFirst(): Promise<void> {
    await this._slots.acquire(this._signal, false);
    this._held = true;
  }

  drop(): void {
    if (!this._held) return;
    this._held = false;
    this._slots.release();
  }
}

function notStarted(): MeshroomError {
  return new MeshroomError("E_ABORTED", "interrupted before it started");
}
