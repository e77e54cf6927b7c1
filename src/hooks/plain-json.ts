/**
 * Turns what a hook returned into plain JSON data, once, where it enters meshroom: results go to
 * state, saved plans and drift reports, which are rendered long after the hook returned. A value
 * that cannot be stored (a cycle, a getter or `toJSON` that throws, a BigInt, a function, NaN…)
 * must fail that hook, with its title, instead of breaking every later save of the state.
 * The copy also freezes the result: getters are read once, and the hook cannot change what
 * meshroom keeps after it returned.
 *
 * Follows JSON.stringify where it is lossless (`toJSON` is called, so a Date becomes its ISO
 * string; an object property set to `undefined` is left out) and refuses where it would silently
 * lose or change data (functions, symbols, `undefined` in an array, Map/Set, non-finite numbers).
 * Written by hand: JSON.stringify reports neither where the problem is nor what kind it is, and
 * drops or converts the values above without a word.
 */

/** Nesting deeper than this is refused (a result this deep is a bug, and would overflow later renders). */
export const MAX_RESULT_DEPTH = 64;

export type PlainJsonOutcome = { ok: true; value: unknown } | { ok: false; problem: string };

/** A copy of `value` made only of plain JSON data, or what makes it unstorable and where. */
export function toPlainJson(value: unknown): PlainJsonOutcome {
  const ancestors = new Set<object>();
  try {
    return { ok: true, value: _copy(value, "", ancestors, 0) };
  } catch (e) {
    if (e instanceof _Unstorable) return { ok: false, problem: `${e.what}${e.path ? ` at ${e.path}` : ""}` };
    // something the hook's own code threw while being read (a getter, toJSON, a Proxy trap)
    return { ok: false, problem: `reading it threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

class _Unstorable extends Error {
  constructor(
    readonly what: string,
    readonly path: string,
  ) {
    super(what);
  }
}

function _copy(v: unknown, path: string, ancestors: Set<object>, depth: number): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new _Unstorable(`${String(v)} (not a finite number)`, path);
    return v;
  }
  if (typeof v === "bigint") throw new _Unstorable("a BigInt (JSON has no BigInt: return it as a string)", path);
  if (typeof v === "function") throw new _Unstorable("a function", path);
  if (typeof v === "symbol") throw new _Unstorable("a symbol", path);
  if (v === undefined) throw new _Unstorable("undefined", path);
  const obj = v as object;
  if (depth >= MAX_RESULT_DEPTH) throw new _Unstorable(`nesting deeper than ${MAX_RESULT_DEPTH} levels`, path);
  if (ancestors.has(obj)) throw new _Unstorable("a circular reference", path);
  if (typeof (obj as { then?: unknown }).then === "function") throw new _Unstorable("a Promise (a missing `await`?)", path);
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const key = path.slice(path.lastIndexOf(".") + 1);
    ancestors.add(obj);
    try {
      return _copy(toJSON.call(obj, key), path, ancestors, depth + 1);
    } finally {
      ancestors.delete(obj);
    }
  }
  if (obj instanceof Map || obj instanceof Set || obj instanceof WeakMap || obj instanceof WeakSet) {
    throw new _Unstorable(`a ${obj.constructor.name} (convert it to an object or an array)`, path);
  }
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: unknown[] = [];
      for (let i = 0; i < obj.length; i++) out.push(_copy(obj[i], `${path}[${i}]`, ancestors, depth + 1));
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      const x = (obj as Record<string, unknown>)[k];
      if (x === undefined) continue; // as JSON.stringify: an absent property
      const where = path ? `${path}.${k}` : k;
      // defineProperty: a key such as "__proto__" stays plain data, not a prototype change
      Object.defineProperty(out, k, { value: _copy(x, where, ancestors, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    ancestors.delete(obj);
  }
}
