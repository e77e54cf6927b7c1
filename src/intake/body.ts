// Splits a request body into candidate events: one JSON object, a JSON array (a batch) or
// NDJSON (one JSON value per line). Pure code; every item keeps its raw text for the DLQ.
// Bounds (limits.ts): at most MAX_EVENTS_PER_REQUEST items, counted before any line is parsed;
// a value nested too deep or too big is an item that failed (it never reaches the spool).
import { isUtf8 } from "node:buffer";
import { MAX_EVENTS_PER_REQUEST, MAX_OVERSIZE_RAW, shapeProblem } from "./limits.js";

export type BodyItem =
  | { ok: true; value: unknown; raw: string }
  | { ok: false; reason: string; raw: string; rawBase64?: string; rawTruncated?: true };

/** The items of a body, or how many there were when over the limit (nothing was parsed then). */
export type SplitBody = { ok: true; items: BodyItem[] } | { ok: false; count: number };

/** Items handled between two turns given to the event loop (a few milliseconds of work). */
export const ITEMS_PER_TURN = 64;

/** Lets every other request's callbacks run before going on. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function splitBody(body: Buffer, contentType: string | undefined, maxItems = MAX_EVENTS_PER_REQUEST): SplitBody {
  const steps = splitSteps(body, contentType, maxItems);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** splitBody, giving the event loop a turn every ITEMS_PER_TURN items: a big body never holds the server for long. */
export async function splitBodyFairly(body: Buffer, contentType: string | undefined, maxItems = MAX_EVENTS_PER_REQUEST): Promise<SplitBody> {
  const steps = splitSteps(body, contentType, maxItems);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yieldTurn();
  }
}

/** Yields (nothing) every ITEMS_PER_TURN items, returns the split. */
function* splitSteps(body: Buffer, contentType: string | undefined, maxItems: number): Generator<void, SplitBody, void> {
  if (!isUtf8(body)) return { ok: true, items: [{ ok: false, reason: "body is not valid UTF-8 text", raw: "", rawBase64: body.toString("base64") }] };
  if (countLines(body) === 0) return { ok: true, items: [{ ok: false, reason: "empty body: send a JSON object, a JSON array or NDJSON", raw: body.toString("utf8") }] };
  const ndjson = /^application\/(x-)?ndjson\b/i.test(contentType ?? "");
  if (!ndjson) {
    const text = body.toString("utf8");
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch (e) {
      // more than one line: read it as NDJSON, so one bad line does not sink the others
      if (!text.trim().includes("\n")) return { ok: true, items: [{ ok: false, reason: `body is not JSON: ${(e as Error).message}`, raw: text }] };
    }
    if (parsed) {
      if (!Array.isArray(value)) return { ok: true, items: [checked(value, text)] };
      if (value.length === 0) return { ok: true, items: [{ ok: false, reason: "empty batch: the JSON array has no events", raw: text }] };
      if (value.length > maxItems) return { ok: false, count: value.length };
      const items: BodyItem[] = [];
      for (let i = 0; i < value.length; i++) {
        items.push(arrayItem(value[i] as unknown, i));
        if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) yield;
      }
      return { ok: true, items };
    }
  }
  const count = countLines(body);
  if (count > maxItems) return { ok: false, count };
  // line by line from the bytes: no copy of the whole body as one string
  const items: BodyItem[] = [];
  for (let start = 0, i = 0; start < body.length; i++) {
    if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) yield;
    const nl = body.indexOf(10, start);
    const end = nl === -1 ? body.length : nl;
    const line = body.toString("utf8", start, end > start && body[end - 1] === 13 ? end - 1 : end);
    start = end + 1;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (e) {
      items.push({ ok: false, reason: `line ${i + 1} is not JSON: ${(e as Error).message}`, raw: line });
      continue;
    }
    items.push(checked(value, line, `line ${i + 1}: `));
  }
  return { ok: true, items };
}

/** A parsed value as an item, refused (with its text cut short) when over the shape bounds. */
function checked(value: unknown, raw: string, where = ""): BodyItem {
  const problem = shapeProblem(value);
  if (problem === undefined) return { ok: true, value, raw };
  if (raw.length <= MAX_OVERSIZE_RAW) return { ok: false, reason: `${where}${problem}`, raw };
  return { ok: false, reason: `${where}${problem} (raw cut to its first ${MAX_OVERSIZE_RAW} characters)`, raw: raw.slice(0, MAX_OVERSIZE_RAW), rawTruncated: true };
}

/** An element of a JSON array body; its raw text is re-serialised, which only a bounded value allows. */
function arrayItem(value: unknown, i: number): BodyItem {
  const problem = shapeProblem(value);
  if (problem === undefined) return { ok: true, value, raw: JSON.stringify(value) };
  return { ok: false, reason: `item ${i}: ${problem} (its text is not kept)`, raw: "", rawTruncated: true };
}

/** Lines with something other than blanks in them, counted on the bytes (nothing allocated). */
function countLines(body: Buffer): number {
  let n = 0;
  let blank = true;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c === 10) {
      if (!blank) n++;
      blank = true;
    } else if (blank && c !== 32 && c !== 9 && c !== 13) blank = false;
  }
  return blank ? n : n + 1;
}
