/**
 * A reader for the plain YAML most manifests are made of — block mappings of plain words,
 * integers, simple double-quoted strings, `{}` and `[]`, with comment and blank lines — as
 * `plainYaml` (plain-yaml.ts) and `meshroom add` / `plug` write them. Loading a project's
 * manifests the first time (cold manifest cache) parsed each through the `yaml` package's CST,
 * composer and line counter, some three quarters of a cold plan's time per file.
 *
 * It never guesses: on anything outside that subset (flow collections with content, sequences,
 * quotes with escapes, anchors, tags, multi-line scalars, tabs, CR, trailing spaces, a duplicate
 * key, a document marker, …) it returns undefined and the caller parses the file with `yaml`. For
 * what it accepts, it gives what `yaml`'s core schema (YAML 1.2) gives: the test
 * (test/util/plain-yaml-parse.test.ts) compares the two on every accepted input.
 */
export function parsePlainYamlMap(text: string): Record<string, unknown> | undefined {
  if (text.length === 0 || text.includes("\t") || text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split("\n");
  const root: Record<string, unknown> = {};
  /** Open mappings, innermost last, each with the indentation of its keys. */
  const stack: Array<{ map: Record<string, unknown>; indent: number }> = [{ map: root, indent: 0 }];
  /** A key whose value is a nested mapping or null: decided by the next significant line. */
  let open: { map: Record<string, unknown>; key: string; indent: number } | undefined;
  /** Indentation of the last `key: value` line (a deeper line after it would continue the scalar). */
  let lastScalarIndent = -1;
  let entries = 0;
  for (const line of lines) {
    if (BLANK_OR_COMMENT.test(line)) continue;
    const m = KEY_LINE.exec(line);
    if (!m) return undefined;
    const indent = m[1]!.length;
    const key = m[2]!;
    const raw = m[3];
    if (RESERVED_KEYS.has(key)) return undefined;
    if (open) {
      if (indent > open.indent) {
        if (stack.length > MAX_DEPTH) return undefined;
        const map: Record<string, unknown> = {};
        open.map[open.key] = map;
        stack.push({ map, indent });
      } else open.map[open.key] = null;
      open = undefined;
    } else if (indent > lastScalarIndent && lastScalarIndent >= 0) {
      return undefined; // a deeper line after `key: value`
    }
    while (stack.length > 1 && indent < stack[stack.length - 1]!.indent) stack.pop();
    const top = stack[stack.length - 1]!;
    if (indent !== top.indent) return undefined; // not aligned with any open mapping
    if (Object.prototype.hasOwnProperty.call(top.map, key)) return undefined; // duplicate: `yaml` reports it
    entries++;
    if (raw === undefined) {
      top.map[key] = null; // for now: a deeper line makes it a mapping
      open = { map: top.map, key, indent };
      lastScalarIndent = -1;
      continue;
    }
    const value = scalar(raw);
    if (value === NOT_PLAIN) return undefined;
    top.map[key] = value;
    lastScalarIndent = indent;
  }
  return entries > 0 ? root : undefined;
}

const MAX_DEPTH = 32;
/** A blank line, or a full-line comment (a `#` after optional spaces). */
const BLANK_OR_COMMENT = /^ *(?:#|$)/;
/** `key:` or `key: value`, value without trailing spaces nor comment. */
const KEY_LINE = /^( *)([A-Za-z_][A-Za-z0-9_.-]*):(?: +([^ #][^#]*?))?$/;
/** Keys `yaml` would read as something else than that string, or that JavaScript treats apart. */
const RESERVED_KEYS = new Set(["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "__proto__"]);
/** Plain words and words separated by single spaces: a string unless a null or boolean word. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./@+-]*(?: [A-Za-z0-9_./@+-]+)*$/;
/** Decimal integers that are exactly what `parseInt` gives (no sign `+`, no leading zero, safe). */
const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
/** A double-quoted string of printable ASCII without escapes or quotes inside. */
const QUOTED = /^"[ !#-[\]-~]*"$/;
const NOT_PLAIN = Symbol("not plain");

function scalar(raw: string): unknown {
  switch (raw) {
    case "null": case "Null": case "NULL": case "~": return null;
    case "true": case "True": case "TRUE": return true;
    case "false": case "False": case "FALSE": return false;
    case "{}": return {};
    case "[]": return [];
  }
  if (PLAIN.test(raw)) return raw;
  if (INT.test(raw)) return Number(raw);
  if (QUOTED.test(raw)) return raw.slice(1, -1);
  return NOT_PLAIN;
}
