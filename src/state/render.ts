import type { StateFile, StateResource, StepRecord } from "./schema.js";

/**
 * The one serialization of state. Deterministic: resources sorted by address, fixed field
 * order, object keys sorted inside inputs/outputs. The resources part is rendered once per
 * write and used both for the file text and for the content comparison that decides whether
 * the serial moves (`contentKey`), so an unchanged state costs one render and no write.
 */
export interface RenderedState {
  /** Compare two of these to know whether content changed (ignores serial and meshroom_version). */
  contentKey: string;
  /** The full document text with the given serial and meshroom_version. */
  text(serial: number, meshroomVersion: string): string;
}

export function renderState(state: Pick<StateFile, "version" | "lineage" | "resources">): RenderedState {
  const resources = [...state.resources].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  // Stringified as `{ "resources": [...] }` so the indentation is already that of a top-level
  // field: the header lines are prepended without re-indenting megabytes of text.
  const body = JSON.stringify({ resources: resources.map(orderResource) }, null, 2);
  return {
    contentKey: `${state.version}\n${state.lineage}\n${body}`,
    text: (serial, meshroomVersion) =>
      "{\n" +
      `  "version": ${state.version},\n` +
      `  "meshroom_version": ${JSON.stringify(meshroomVersion)},\n` +
      `  "lineage": ${JSON.stringify(state.lineage)},\n` +
      `  "serial": ${serial},\n` +
      body.slice(2) +
      "\n",
  };
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function orderResource(r: StateResource): Record<string, unknown> {
  const o: Record<string, unknown> = {
    address: r.address,
    type: r.type,
    status: r.status,
    dependencies: r.dependencies,
    inputs: sortKeys(r.inputs),
    outputs: sortKeys(r.outputs),
    secret_hmacs: sortKeys(r.secret_hmacs),
    steps_done: r.steps_done.map(orderStep),
  };
  if (r.pending_step) o.pending_step = sortKeys(r.pending_step);
  return o;
}

function orderStep(s: StepRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { id: s.id, title: s.title };
  if (s.side !== undefined) o.side = s.side;
  o.outputs = sortKeys(s.outputs);
  return o;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) if (src[k] !== undefined) out[k] = sortKeys(src[k]);
  return out;
}
