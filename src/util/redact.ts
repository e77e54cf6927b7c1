/**
 * Process-wide redaction of known secret values. The secrets store registers every value it
 * hands out; every text the CLI prints or meshroom writes goes through `redactText`.
 */
const KEY = Symbol.for("meshroom.redaction.values");
type Registry = { values: Set<string>; pattern: RegExp | undefined };

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { values: new Set(), pattern: undefined });
}

export const REDACTED = "(sensitive value)";

/** Values shorter than 4 characters are not registered: redacting them would shred ordinary text. */
export function registerSecretValue(value: string): void {
  if (typeof value !== "string" || value.length < 4) return;
  const r = registry();
  if (r.values.has(value)) return;
  r.values.add(value);
  r.pattern = undefined;
}

export function redactText(text: string): string {
  const r = registry();
  if (r.values.size === 0) return text;
  if (!r.pattern) {
    const alts = [...r.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
    r.pattern = new RegExp(alts.join("|"), "g");
  }
  return text.replace(r.pattern, REDACTED);
}

/**
 * Deep-redacts the strings (values and keys) inside a JSON-like value. It walks the value
 * rather than redacting its JSON text: in JSON a secret holding `"` or `\` is escaped, so
 * its raw text would not match there.
 */
export function redactValue<T>(value: T): T {
  if (registry().values.size === 0) return value;
  return redactDeep(value) as T;
}

function redactDeep(v: unknown): unknown {
  if (typeof v === "string") return redactText(v);
  if (Array.isArray(v)) return v.map(redactDeep);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [redactText(k), redactDeep(x)]));
  }
  return v;
}

export function knownSecretCount(): number {
  return registry().values.size;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
