import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { Document, LineCounter, isMap, isSeq, isScalar, isPair, parseDocument, type Node } from "yaml";
import type { ZodType } from "zod";
import type { Diagnostic } from "../errors/index.js";

/** Manifests are small; anything bigger is almost certainly not one. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ParsedYaml<T> {
  /** The parsed, schema-checked value; undefined when there were errors. */
  value?: T;
  doc?: Document;
  diagnostics: Diagnostic[];
}

/** Reads a YAML manifest and checks it against a zod schema, reporting file:line:column and field. */
export function readYamlFile<T>(file: string, schema: ZodType<T>, root: string): ParsedYaml<T> {
  const shown = relative(root, file) || file;
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_MANIFEST_BYTES) {
      return { diagnostics: [{ summary: `file is too large (${size} bytes; the limit for a manifest is ${MAX_MANIFEST_BYTES})`, location: { file: shown } }] };
    }
    const buf = readFileSync(file);
    if (buf.includes(0)) return { diagnostics: [{ summary: "not a YAML file (binary content)", location: { file: shown } }] };
    text = buf.toString("utf8");
  } catch (e) {
    return { diagnostics: [{ summary: `cannot read file: ${(e as Error).message}`, location: { file: shown } }] };
  }
  return parseYamlText(text, schema, shown);
}

export function parseYamlText<T>(text: string, schema: ZodType<T>, shown: string): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    return { diagnostics: [{ summary: `YAML error: ${(e as Error).message}`, location: { file: shown } }] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const pos = err.pos?.[0];
    const lc = pos === undefined ? undefined : lineCounter.linePos(pos);
    diagnostics.push({
      summary: `YAML syntax error: ${firstLine(err.message)}`,
      location: { file: shown, ...(lc ? { line: lc.line, column: lc.col } : {}) },
    });
  }
  if (diagnostics.length) return { diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    return { diagnostics: [{ summary: `YAML error: ${(e as Error).message}`, location: { file: shown } }] };
  }
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, doc, diagnostics };
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const node = nodeAt(doc, path);
    const pos = node?.range?.[0];
    const lc = pos === undefined ? undefined : lineCounter.linePos(pos);
    const field = path.length ? path.map(String).join(".") : undefined;
    diagnostics.push({
      summary: describeIssue(issue),
      location: { file: shown, ...(lc ? { line: lc.line, column: lc.col } : {}), ...(field ? { field } : {}) },
    });
  }
  return { diagnostics };
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
  return issue.message;
}

/** The deepest YAML node along a path (for unknown keys, the key itself). */
function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return last;
      last = (pair.key as Node) ?? last;
      node = pair.value;
      if (node && typeof node === "object" && "range" in node) last = node as Node;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      if (node && typeof node === "object" && "range" in node) last = node as Node;
    } else {
      return last;
    }
  }
  return last;
}
