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

/** Deep-redacts strings inside a JSON-like value. */
export function redactValue<T>(value: T): T {
  if (registry().values.size === 0) return value;
  return JSON.parse(redactText(JSON.stringify(value))) as T;
}

export function knownSecretCount(): number {
  return registry().values.size;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
