// Commands that work on an intake data directory no server owns: lock it, open its store, work,
// then close and unlock whatever happens.
import { acquireDirLock } from "./dir-lock.js";
import type { IntakeQueue } from "./queue.js";
import { openQueue, type QueueOpenOptions } from "./queue-kinds.js";

/** A queue many processes share (JetStream): opened directly, no directory lock (it keeps its own). */
export async function withSharedQueue<T>(queue: string, options: QueueOpenOptions | undefined, work: (store: IntakeQueue) => Promise<T>): Promise<T> {
  const store = await openQueue("", queue, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `queue`: the queue's URL when it is not the files in `dir` (see queue-kinds.ts). */
export async function withOfflineStore<T>(dir: string, purpose: string, work: (store: IntakeQueue) => Promise<T>, queue?: string): Promise<T> {
  const lock = await acquireDirLock(dir, purpose);
  try {
    const store = await openQueue(dir, queue);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}
