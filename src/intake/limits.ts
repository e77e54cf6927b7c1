// The bounds every request and reply of the intake stays within, whatever a producer sends.
// Documented in API.md ("Limits"); pure constants and one pure check.

/** Events in one POST (array items or NDJSON lines); more is refused with 413, nothing stored. */
export const MAX_EVENTS_PER_REQUEST = 10_000;
/** Deepest nesting of objects/arrays in one event (the event object itself is depth 1). */
export const MAX_EVENT_DEPTH = 64;
/** Most keys + array elements in one event, all levels counted. */
export const MAX_EVENT_NODES = 10_000;
/** Rejections listed in a 422 reply (the rest are counted in `rejected_count`). */
export const MAX_LISTED_REJECTIONS = 100;
/** `raw` kept in the DLQ for an event refused for its shape (the text beyond is cut). */
export const MAX_OVERSIZE_RAW = 4096;
/** Bytes of events in one `GET /queue` page (at least one event is always returned). */
export const MAX_PAGE_BYTES = 1024 * 1024;

/**
 * Checks the nesting depth and the number of keys/elements of a parsed JSON value without
 * recursion (so no input can overflow the stack). Returns why it is too big, or undefined.
 */
export function shapeProblem(value: unknown, maxDepth = MAX_EVENT_DEPTH, maxNodes = MAX_EVENT_NODES): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const stack: { v: object; depth: number }[] = [{ v: value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: object; depth: number };
    if (depth > maxDepth) return `the event is nested deeper than ${maxDepth} levels`;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    nodes += children.length;
    if (nodes > maxNodes) return `the event has more than ${maxNodes} keys and array elements`;
    for (const c of children) if (typeof c === "object" && c !== null) stack.push({ v: c, depth: depth + 1 });
  }
  return undefined;
}
