import type { FieldChange, ResourceValues } from "./types.js";

/**
 * Field-level differences between two resource values: inputs flattened to leaf paths (arrays
 * compared whole), secrets compared by HMAC and always marked sensitive.
 */
export function diffValues(before: ResourceValues | null, after: ResourceValues | null): FieldChange[] {
  const out: FieldChange[] = [];
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before) flatten(before.inputs, "", b);
  if (after) flatten(after.inputs, "", a);
  for (const path of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const x = b.get(path);
    const y = a.get(path);
    if (b.has(path) && a.has(path) && sameJson(x, y)) continue;
    const c: FieldChange = { path, sensitive: false };
    if (b.has(path)) c.before = x;
    if (a.has(path)) c.after = y;
    out.push(c);
  }
  const bs = before?.secret_hmacs ?? {};
  const as = after?.secret_hmacs ?? {};
  for (const name of [...new Set([...Object.keys(bs), ...Object.keys(as)])].sort()) {
    if (bs[name] === as[name]) continue;
    const c: FieldChange = { path: `secrets.${name}`, sensitive: true };
    if (name in bs) c.before = bs[name];
    if (name in as) c.after = as[name];
    out.push(c);
  }
  return out;
}

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    // Empty objects are not fields: `{}` → `{ index: "soc" }` shows as one added field.
    const entries = Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, v);
}

/** Deep equality of JSON values (object key order ignored; keys holding `undefined` count as absent). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) {
    const aa = a as unknown[];
    const bb = b as unknown[];
    if (aa.length !== bb.length) return false;
    for (let i = 0; i < aa.length; i++) if (!sameJson(aa[i], bb[i])) return false;
    return true;
  }
  // Plain loops, no intermediate arrays: a no-op plan compares every resource's inputs.
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let defined = 0;
  for (const k of Object.keys(ao)) {
    const x = ao[k];
    if (x === undefined) continue;
    defined++;
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !sameJson(x, bo[k])) return false;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined) defined--;
  return defined === 0;
}

export function sameValues(a: ResourceValues, b: ResourceValues): boolean {
  return sameJson(a.inputs, b.inputs) && sameJson(a.secret_hmacs, b.secret_hmacs);
}
