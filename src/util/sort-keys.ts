/**
 * A copy of a JSON-like value with every object's keys in sorted order and undefined members
 * dropped, so the same data always serializes to the same text (state files, documents, hashes).
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) if (src[k] !== undefined) out[k] = sortKeys(src[k]);
  return out;
}
