import type { Mode } from "../model/index.js";

/**
 * Terraform resource names may hold letters, digits, `_` and `-` and must not start with a
 * digit, but meshroom names contain `.`. The escaping is reversible: `_` → `__`, `.` → `_d`,
 * and a leading digit gets a `_` prefix (`_` + digit can never start an escaped name, since
 * names start with a letter or digit and every other `_` is the first of a pair). Plug ids join
 * their escaped parts with `-`, which no name contains.
 */
export function escapeName(name: string): string {
  const body = name.replace(/_/g, "__").replace(/\./g, "_d");
  return /^[0-9]/.test(body) ? `_${body}` : body;
}

export function unescapeName(id: string): string | undefined {
  let s = id;
  if (/^_[0-9]/.test(s)) s = s.slice(1);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "_") {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === "_") out += "_";
    else if (n === "d") out += ".";
    else return undefined;
    i++;
  }
  return out;
}

export function instanceResourceId(name: string): string {
  return escapeName(name);
}

export function plugResourceId(src: string, dst: string, topic: string, mode: Mode): string {
  return [escapeName(src), escapeName(dst), escapeName(topic), mode].join("-");
}

/** Inverse of `plugResourceId`. */
export function parsePlugResourceId(id: string): { src: string; dst: string; topic: string; mode: Mode } | undefined {
  const parts = id.split("-");
  if (parts.length !== 4) return undefined;
  const [s, d, t, m] = parts as [string, string, string, string];
  if (m !== "push" && m !== "pull") return undefined;
  const src = unescapeName(s);
  const dst = unescapeName(d);
  const topic = unescapeName(t);
  if (!src || !dst || !topic) return undefined;
  return { src, dst, topic, mode: m };
}
