// Shape checks for values JSON.parse made, used by the hand-written fast paths that vouch for
// stored data before zod would (state/quick-check.ts, synth/inputs-check.ts).

/**
 * A plain object (as JSON.parse makes) whose keys are all allowed and none is undefined; with
 * `count`, it has exactly that many keys.
 */
export function plainWithKeys(v: unknown, allowed: ReadonlySet<string>, count?: number): boolean {
  if (typeof v !== "object" || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  let n = 0;
  for (const k in v) {
    if (!allowed.has(k) || (v as Record<string, unknown>)[k] === undefined) return false;
    n++;
  }
  return count === undefined || n === count;
}

export function nonEmptyString(v: unknown): boolean {
  return typeof v === "string" && v.length > 0;
}
