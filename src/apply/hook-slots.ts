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
  private readonly _resume = new _Queue();
  private readonly _fresh = new _Queue();
  /** One abort listener per signal (all resources of a walk share it), not one per waiter: removing thousands is quadratic. */
  private readonly _watched = new WeakSet<AbortSignal>();

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
    if (!this._watched.has(signal)) {
      this._watched.add(signal);
      signal.addEventListener("abort", () => this._rejectWaiting(signal), { once: true });
    }
    return new Promise((resolve, reject) => {
      (resume ? this._resume : this._fresh).push({ signal, resolve, reject });
    });
  }

  release(): void {
    const next = this._resume.shift() ?? this._fresh.shift();
    if (next) next.resolve();
    else this._free++;
  }

  private _rejectWaiting(signal: AbortSignal): void {
    for (const q of [this._resume, this._fresh]) {
      for (const w of q.removeAll((x) => x.signal === signal)) w.reject(notStarted());
    }
  }
}

/** FIFO with O(1) shift (Array#shift is linear: thousands of resources wait at once). */
class _Queue {
  private _items: _Waiter[] = [];
  private _head = 0;

  push(w: _Waiter): void {
    this._items.push(w);
  }

  shift(): _Waiter | undefined {
    if (this._head >= this._items.length) return undefined;
    const w = this._items[this._head++]!;
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return w;
  }

  removeAll(match: (w: _Waiter) => boolean): _Waiter[] {
    const live = this._items.slice(this._head);
    this._items = live.filter((w) => !match(w));
    this._head = 0;
    return live.filter(match);
  }
}

interface _Waiter {
  signal: AbortSignal;
  resolve: () => void;
  reject: (e: unknown) => void;
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
