// Commands that work on an intake data directory no server owns: lock it, open its store, work,
// then close and unlock whatever happens.
import { acquireDirLock } from "./dir-lock.js";
import { IntakeStore } from "./store.js";

export async function withOfflineStore<T>(dir: string, purpose: string, work: (store: IntakeStore) => Promise<T>): Promise<T> {
  const lock = await acquireDirLock(dir, purpose);
  try {
    const store = await IntakeStore.open(dir);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}
