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
export const MIN_SECRET_LENGTH = 4;
/**
 * Base64 and hex forms are redacted only for values of at least 6 characters: the inner part
 * of a shifted base64 encoding of a 4- or 5-character value is 3 to 5 characters long, which
 * ordinary base64 text (certificates, hashes) contains by chance.
 */
export const MIN_ENCODED_SECRET_LENGTH = 6;

export function registerSecretValue(value: string): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  const r = registry();
  if (r.values.has(value)) return;
  r.values.add(value);
  r.pattern = undefined;
}

export function redactText(text: string): string {
  const r = registry();
  if (r.values.size === 0) return text;
  if (!r.pattern) {
    const forms = new Set<string>();
    for (const v of r.values) for (const f of secretForms(v)) forms.add(f);
    const alts = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    r.pattern = new RegExp(alts.join("|"), "g");
  }
  return text.replace(r.pattern, REDACTED);
}

/**
 * The texts under which a secret value shows up in what hooks print or return, as secret
 * scanners look for them: the value itself; JSON-escaped (once and twice: a hook that echoes
 * its JSON input, inside a JSON document); URL-encoded (`encodeURIComponent`, form encoding
 * with `+`, lower-case escapes); and, for values of MIN_ENCODED_SECRET_LENGTH or more, hex
 * (lower and upper case) and base64 (standard and URL-safe, with and without padding).
 * Base64 of the value embedded in a longer encoded string depends on where the value starts
 * modulo 3 bytes: for each of the 3 alignments, the characters that encode only the value's
 * own bits are a stable inner part, redacted wherever it appears.
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const json1 = JSON.stringify(value).slice(1, -1);
  forms.add(json1);
  forms.add(JSON.stringify(json1).slice(1, -1));
  const uri = encodeURIComponent(value);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, "+"));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  for (const f of [...forms]) if (f.includes("%")) forms.add(f.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  if (value.length >= MIN_ENCODED_SECRET_LENGTH) {
    const bytes = Buffer.from(value, "utf8");
    const hex = bytes.toString("hex");
    forms.add(hex);
    forms.add(hex.toUpperCase());
    const whole = bytes.toString("base64");
    for (const b of [whole, whole.replace(/=+$/, "")]) {
      forms.add(b);
      forms.add(toBase64Url(b));
    }
    for (const shift of [0, 1, 2]) {
      const inner = base64Inner(bytes, shift);
      if (inner.length >= MIN_ENCODED_SECRET_LENGTH) {
        forms.add(inner);
        forms.add(toBase64Url(inner));
      }
    }
  }
  forms.delete("");
  return [...forms];
}

/** The base64 characters that encode only `bytes`' bits when `shift` bytes (0-2) precede them. */
function base64Inner(bytes: Buffer, shift: number): string {
  const padded = Buffer.concat([Buffer.alloc(shift), bytes, Buffer.alloc(3)]);
  const b64 = padded.toString("base64");
  const start = Math.ceil((shift * 8) / 6);
  const end = Math.floor(((shift + bytes.length) * 8) / 6);
  return b64.slice(start, end);
}

function toBase64Url(b64: string): string {
  return b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
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
