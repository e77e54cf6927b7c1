import { TEARDOWN_HOOK_KINDS } from "../model/index.js";
import type { JsonObject, StepRecord } from "../state/index.js";

const TEARDOWN_KINDS: ReadonlySet<string> = new Set(TEARDOWN_HOOK_KINDS);

/** The hook kind segment of a step id `<address>/[src|dst/]<kind>/<hook id>`. */
export function stepKindOf(address: string, id: string): string | undefined {
  if (!id.startsWith(`${address}/`)) return undefined;
  const parts = id.slice(address.length + 1).split("/");
  return parts[0] === "src" || parts[0] === "dst" ? parts[1] : parts[0];
}

export function isTeardownRecord(address: string, r: StepRecord): boolean {
  return TEARDOWN_KINDS.has(stepKindOf(address, r.id) ?? "");
}

export function setupRecords(address: string, steps: readonly StepRecord[]): StepRecord[] {
  return steps.filter((s) => !isTeardownRecord(address, s));
}

/** Outputs of the setup records of one side (all sides when `side` is undefined), later steps winning. */
export function sideOutputs(address: string, steps: readonly StepRecord[], side: string | undefined): JsonObject {
  const out: JsonObject = {};
  for (const s of steps) {
    if (isTeardownRecord(address, s)) continue;
    if (side !== undefined && s.side !== undefined && s.side !== side) continue;
    Object.assign(out, s.outputs);
  }
  return out;
}

export function mergedOutputs(address: string, steps: readonly StepRecord[]): JsonObject {
  return sideOutputs(address, steps, undefined);
}
