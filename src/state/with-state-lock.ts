import type { LockHandle, StateStore } from "./backend.js";

export interface LockingOptions {
  /** Wait up to this long for the lock (default: fail at once). */
  lockTimeoutMs?: number;
  signal?: AbortSignal;
  /** Told about stale locks broken to take this one. */
  onWarning?: (message: string) => void;
}

/** Runs `fn` holding the state lock; the lock is released in all cases. */
export async function withStateLock<T>(store: StateStore, operation: string, opts: LockingOptions, fn: (lock: LockHandle) => Promise<T>): Promise<T> {
  const lock = await store.lock(
    { operation },
    { ...(opts.lockTimeoutMs ? { timeoutMs: opts.lockTimeoutMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  for (const w of lock.warnings) opts.onWarning?.(w);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
