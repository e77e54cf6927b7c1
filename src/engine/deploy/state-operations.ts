import { MeshroomError } from "../../errors/index.js";
import { MeshState, renderState, type LockInfo, type StateResource, type StateStore } from "../../state/index.js";
import { VERSION } from "../../util/version.js";
import { withStateLock, type LockingOptions } from "../../state/with-state-lock.js";

export interface StateListEntry {
  address: string;
  type: StateResource["type"];
  status: StateResource["status"];
  pending?: string;
}

/** `state list`: addresses in state with their status. */
export async function stateList(store: StateStore): Promise<StateListEntry[]> {
  const state = await store.read();
  return (state?.resources ?? []).map((r) => ({
    address: r.address, type: r.type, status: r.status, ...(r.pending_step ? { pending: r.pending_step.title } : {}),
  }));
}

/** `state show ADDR`: one resource as recorded (no secret values are ever in state). */
export async function stateShow(store: StateStore, address: string): Promise<StateResource> {
  const state = await store.read();
  const r = state?.resources.find((x) => x.address === address);
  if (!r) throw notInState(address, state?.resources.map((x) => x.address) ?? []);
  return r;
}

/** `state pull`: the stored document, as text (empty state: a fresh, unsaved document). */
export async function statePull(store: StateStore): Promise<string> {
  const state = (await store.read()) ?? MeshState.empty().toFile();
  return renderState(state).text(state.serial, state.meshroom_version || VERSION);
}

/** `state rm ADDR…`: forgets resources without tearing anything down. Returns what was removed. */
export async function stateRm(store: StateStore, addresses: readonly string[], opts: LockingOptions = {}): Promise<string[]> {
  return withStateLock(store, "state rm", opts, async () => {
    const file = await store.read();
    const state = MeshState.fromFile(file);
    const missing = addresses.filter((a) => !state.has(a));
    if (!file || missing.length > 0) throw notInState(missing[0] ?? addresses[0] ?? "", state.addresses());
    for (const a of addresses) state.delete(a);
    await store.write(state.toFile());
    return [...addresses];
  });
}

/** `force-unlock ID`: removes the lock if its ID is `id`. Returns the lock that was removed. */
export async function forceUnlock(store: StateStore, id: string): Promise<LockInfo | undefined> {
  const info = await store.lockInfo();
  await store.forceUnlock(id);
  return info;
}

function notInState(address: string, known: string[]): MeshroomError {
  const near = known.filter((k) => k.includes(address.split(".").pop() ?? "")).slice(0, 5);
  return new MeshroomError("E_NOT_FOUND", `no resource ${address} in state`, {
    detail: near.length > 0 ? `did you mean: ${near.join(", ")}?` : "`meshroom state list` shows the addresses in state",
  });
}
