/**
 * Block-style YAML for plain data (objects, arrays, strings, numbers, booleans, null), written
 * without the `yaml` package: `meshroom plug` writes one small generated file, and loading that
 * package would be about a twentieth of its run time on a big catalog. Files that users edit go
 * through the `yaml` Document API instead (it keeps their comments and key order).
 *
 * A string is written plain only when no YAML 1.1 or 1.2 reader could take it for anything but
 * that string; otherwise it is double-quoted with JSON's escapes, which YAML's double-quoted
 * style shares.
 */
export function plainYaml(value: Record<string, unknown>): string {
  return isEmptyCollection(value) ? "{}\n" : block(value, "");
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*$/;
/** Words some YAML readers take for booleans or null (YAML 1.1 included), in any case. */
const RESERVED = new Set(["true", "false", "null", "yes", "no", "on", "off", "y", "n"]);
/** A float with no digits before its exponent ("E5", "e-3"): YAML 1.1 readers may take it for a number. */
const BARE_EXPONENT = /^[eE][-+]?[0-9_]+$/;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return ".nan";
    if (!Number.isFinite(v)) return v > 0 ? ".inf" : "-.inf";
    return String(v);
  }
  if (typeof v === "string") return PLAIN.test(v) && !RESERVED.has(v.toLowerCase()) && !BARE_EXPONENT.test(v) ? v : JSON.stringify(v);
  throw new TypeError(`plainYaml: cannot write a ${typeof v}`);
}

/** An object's entries as JSON keeps them: a key whose value is undefined is left out. */
function definedEntries(v: object): Array<[string, unknown]> {
  return Object.entries(v).filter(([, item]) => item !== undefined);
}

function isEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : v !== null && typeof v === "object" && definedEntries(v).length === 0;
}

/** A non-empty object or array at `indent`, one line per entry, each line ending with a newline. */
function block(v: object, indent: string): string {
  let out = "";
  const entries: Array<[prefix: string, item: unknown]> = Array.isArray(v)
    ? v.map((item) => [`${indent}-`, item])
    : definedEntries(v).map(([k, item]) => [`${indent}${scalar(k)}:`, item]);
  for (const [prefix, item] of entries) {
    if (item === null || typeof item !== "object") out += `${prefix} ${scalar(item)}\n`;
    else if (isEmptyCollection(item)) out += `${prefix} ${Array.isArray(item) ? "[]" : "{}"}\n`;
    else if (Array.isArray(v)) {
      // "- " then the nested block's first line; its other lines are indented to match
      const nested = block(item, `${indent}  `);
      out += `${prefix} ${nested.slice(indent.length + 2)}`;
    } else out += `${prefix}\n${block(item, `${indent}  `)}`;
  }
  return out;
}
