import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { Composer, Document, LineCounter, Parser, YAMLParseError, isMap, isSeq, isScalar, isPair, type CST, type Node } from "yaml";
import type { ZodType } from "zod";
import type { Diagnostic, SourceLocation } from "../errors/index.js";
import { excerpt } from "../util/excerpt.js";
import { escapeOf, outsideProjectSummary } from "../util/confined-path.js";
import { parsePlainYamlMap } from "../util/plain-yaml-parse.js";

/** Manifests are small; anything bigger is almost certainly not one. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ParsedYaml<T> {
  /** The parsed, schema-checked value; undefined when there were errors. */
  value?: T;
  doc?: Document;
  diagnostics: Diagnostic[];
  /** True when the value came from the manifest cache (the file is unchanged since it loaded cleanly). */
  cached?: boolean;
  /** For checks made after the schema: the file location of a field path (e.g. `["settings", "port"]`). */
  locate?: (path: (string | number)[]) => SourceLocation;
}

/** Reads a YAML manifest and checks it against a zod schema, reporting file:line:column and field. */
export function readYamlFile<T>(file: string, schema: ZodType<T>, root: string): ParsedYaml<T> {
  const shown = relative(root, file) || file;
  // never read (nor echo) a file a symbolic link places outside the project
  const escape = escapeOf(root, file);
  if (escape !== undefined) return { diagnostics: [{ summary: outsideProjectSummary(escape), location: { file: shown } }] };
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

/** Deeper than this is refused before parsing: manifests are shallow, and the parser recurses. */
export const MAX_YAML_DEPTH = 100;

export function parseYamlText<T>(text: string, schema: ZodType<T>, shown: string): ParsedYaml<T> {
  // plain files (most manifests) without the yaml package's composer: the same value, and the
  // file parsed in full only if a check made after the schema asks where a field is
  const plain = parsePlainYamlMap(text);
  if (plain !== undefined) {
    const result = schema.safeParse(plain);
    if (result.success) {
      let full: ParsedYaml<T> | undefined;
      return { value: result.data, diagnostics: [], locate: (path) => (full ??= parseYamlDocument(text, schema, shown)).locate?.(path) ?? { file: shown } };
    }
    // a problem: the full parse says where
  }
  return parseYamlDocument(text, schema, shown);
}

function parseYamlDocument<T>(text: string, schema: ZodType<T>, shown: string): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    // The CST parser is iterative; the composer recurses once per level and, a few hundred
    // levels deep, can exhaust the stack so badly that V8 aborts the process (not catchable).
    // So the nesting depth is checked on the CST before composing.
    const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
    const deep = firstTooDeep(tokens, MAX_YAML_DEPTH);
    if (deep !== undefined) {
      const lc = lineCounter.linePos(deep);
      return { diagnostics: [{ summary: `YAML nesting is deeper than ${MAX_YAML_DEPTH} levels`, location: { file: shown, line: lc.line, column: lc.col } }] };
    }
    doc = composeOne(tokens, text.length);
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
  const at = (path: (string | number)[], node: Node | undefined): SourceLocation => {
    const pos = node?.range?.[0];
    const lc = pos === undefined ? undefined : lineCounter.linePos(pos);
    // keys come from the file: an unknown one is shown as a short escaped excerpt only
    const field = path.length ? path.map((p) => excerpt(String(p))).join(".") : undefined;
    return { file: shown, ...(lc ? { line: lc.line, column: lc.col } : {}), ...(field ? { field } : {}) };
  };
  if (result.success) return { value: result.data, doc, diagnostics, locate: (path) => at(path, nodeAt(doc, path)) };
  const locate = (path: (string | number)[], node: Node | undefined, summary: string) => {
    diagnostics.push({ summary, location: at(path, node) });
  };
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys" && "keys" in issue && Array.isArray(issue.keys)) {
      // one diagnostic per unknown key, located on the key itself
      for (const k of issue.keys as string[]) locate([...path, k], keyNodeAt(doc, path, k) ?? nodeAt(doc, path), `unknown field \`${excerpt(k)}\``);
      continue;
    }
    locate(path, nodeAt(doc, path), boundedMessage(issue.message));
  }
  return { diagnostics };
}

/** The key node of `key` in the map found at `path`. */
function keyNodeAt(doc: Document, path: (string | number)[], key: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const p of path) {
    if (isMap(node)) node = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p))?.value;
    else if (isSeq(node) && typeof p === "number") node = node.items[p];
    else return undefined;
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/**
 * A schema message may quote the value it refused (zod: `received 'root:$6$…'`); quoted parts
 * are cut to a short escaped excerpt, and the whole message bounded.
 */
function boundedMessage(message: string): string {
  const quoted = message.replace(/(["'`])((?:(?!\1)[^\n]){41,})\1/g, (_m, q: string, inner: string) => `${q}${excerpt(inner)}${q}`);
  return excerpt(quoted, 300);
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
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

/** Like yaml's parseDocument, from already-parsed CST tokens: one document, duplicate keys refused. */
function composeOne(tokens: CST.Token[], length: number): Document {
  const composer = new Composer({ uniqueKeys: true, logLevel: "error" });
  let doc: Document | undefined;
  for (const d of composer.compose(tokens, true, length)) {
    if (!doc) doc = d as Document;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents; a manifest holds one"));
      break;
    }
  }
  return doc ?? new Document();
}

/** Offset of the first collection nested deeper than `limit`, walking the CST with an explicit stack. */
function firstTooDeep(tokens: CST.Token[], limit: number): number | undefined {
  const stack: Array<[unknown, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [tok, depth] = stack.pop()!;
    if (!tok || typeof tok !== "object") continue;
    const t = tok as { type?: string; offset?: number; value?: unknown; key?: unknown; items?: Array<{ key?: unknown; value?: unknown }> };
    const collection = t.type === "block-map" || t.type === "block-seq" || t.type === "flow-collection";
    const d = collection ? depth + 1 : depth;
    if (d > limit) return t.offset ?? 0;
    if (t.value && typeof t.value === "object") stack.push([t.value, d]);
    if (t.key && typeof t.key === "object") stack.push([t.key, d]);
    for (const it of t.items ?? []) {
      if (it.key && typeof it.key === "object") stack.push([it.key, d]);
      if (it.value && typeof it.value === "object") stack.push([it.value, d]);
    }
  }
  return undefined;
}
