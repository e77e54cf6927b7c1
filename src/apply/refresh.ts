import { Dag, DEFAULT_PARALLELISM, walkDag } from "../graph/index.js";
import type { RefreshResult } from "../plan/index.js";
import type { StateResource } from "../state/index.js";
import type { ResourceRuntime } from "./resource-runtime.js";

export interface RefreshOptions {
  parallelism?: number;
  signal?: AbortSignal;
}

/**
 * Runs the `read` hooks of every ready resource in state (those without read hooks are left
 * out of the result). The first failing read hook fails the refresh (and so the plan).
 */
export async function refreshResources(
  resources: readonly StateResource[],
  runtime: ResourceRuntime,
  opts: RefreshOptions = {},
): Promise<Map<string, RefreshResult>> {
  const out = new Map<string, RefreshResult>();
  const read = runtime.read?.bind(runtime);
  if (!read) return out;
  const dag = new Dag<string>();
  const byAddress = new Map<string, StateResource>();
  const hasRead = runtime.hasRead?.bind(runtime);
  for (const r of resources) {
    if (r.status !== "ready") continue;
    if (hasRead && !_mayRead(hasRead, r)) continue;
    dag.addNode(r.address);
    byAddress.set(r.address, r);
  }
  const results = await walkDag(
    dag,
    async (address, signal) => {
      const r = byAddress.get(address)!;
      const res = await read({ address, type: r.type, inputs: r.inputs }, r.steps_done, signal);
      if (res) out.set(address, res.outputs ? { exists: res.exists, outputs: res.outputs } : { exists: res.exists });
    },
    { parallelism: opts.parallelism ?? DEFAULT_PARALLELISM, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  for (const r of results.values()) if (r.status === "failed" || (r.status === "cancelled" && r.error)) throw r.error;
  return out;
}

/** True unless the runtime says the resource has no read hook (a check that throws leaves it to `read`). */
function _mayRead(hasRead: NonNullable<ResourceRuntime["hasRead"]>, r: StateResource): boolean {
  try {
    return hasRead({ address: r.address, type: r.type, inputs: r.inputs });
  } catch {
    return true;
  }
}
