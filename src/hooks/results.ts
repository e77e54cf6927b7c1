import { z } from "zod";
import type { HookKind } from "../model/index.js";

/** Anything JSON can hold: hook results and outputs are stored in state. */
export const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);
const Outputs = z.record(z.string(), JsonValueSchema);
const Nothing = z.union([z.undefined(), z.null()]);
const WithOutputs = z.union([Nothing, z.object({ outputs: Outputs.optional() }).strict()]);
const ReadResult = z.object({ exists: z.boolean(), outputs: Outputs.optional() }).strict();
const AnyJson = z.union([z.undefined(), JsonValueSchema]);

const SCHEMAS: Record<Exclude<HookKind, "watch">, z.ZodType<unknown>> = {
  setup: WithOutputs,
  update: WithOutputs,
  setupInstance: WithOutputs,
  read: ReadResult,
  readInstance: ReadResult,
  teardown: z.unknown(),
  teardownInstance: z.unknown(),
  scaffold: z.unknown(),
  pull: AnyJson,
  publish: AnyJson,
  produce: AnyJson,
  trigger: AnyJson,
  execute: AnyJson,
};

const EXPECTED: Partial<Record<HookKind, string>> = {
  setup: "nothing, or { outputs: { … } }",
  update: "nothing, or { outputs: { … } }",
  setupInstance: "nothing, or { outputs: { … } }",
  read: "{ exists: boolean, outputs?: { … } }",
  readInstance: "{ exists: boolean, outputs?: { … } }",
};

/** A hook's result, normalized. `value` is the raw result of produce/trigger/execute/pull/publish. */
export interface HookResult {
  outputs?: Record<string, unknown>;
  exists?: boolean;
  value?: unknown;
}

/** Checks a hook's return value for its kind; returns the problem as text when it is wrong. */
export function parseHookResult(kind: Exclude<HookKind, "watch">, raw: unknown): HookResult | string {
  const r = SCHEMAS[kind].safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
    const want = EXPECTED[kind] ?? "a JSON value";
    return `returned an invalid result (${issues}); ${kind} hooks return ${want}`;
  }
  const v = r.data;
  const out: HookResult = {};
  if (kind === "teardown" || kind === "teardownInstance" || kind === "scaffold") return out;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as { outputs?: Record<string, unknown>; exists?: boolean };
    if (o.outputs !== undefined && kind !== "pull" && kind !== "publish" && kind !== "produce" && kind !== "trigger" && kind !== "execute") out.outputs = o.outputs;
    if (kind === "read" || kind === "readInstance") out.exists = o.exists;
  }
  if (v !== undefined && v !== null && !EXPECTED[kind]) out.value = v;
  return out;
}
