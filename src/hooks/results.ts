import { z } from "zod";
import { HOOK_KIND_TABLE, type HookResultShape, type ReturningHookKind } from "../model/index.js";

/** Anything JSON can hold: hook results and outputs are stored in state. */
export const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);
const Outputs = z.record(z.string(), JsonValueSchema);
const Nothing = z.union([z.undefined(), z.null()]);
const WithOutputs = z.union([Nothing, z.object({ outputs: Outputs.optional() }).strict()]);
const ReadResult = z.object({ exists: z.boolean(), outputs: Outputs.optional() }).strict();
const AnyJson = z.union([z.undefined(), JsonValueSchema]);

/** One schema per result shape (model/hook-kinds.ts says which shape each kind returns). */
const SCHEMAS = {
  outputs: WithOutputs,
  exists: ReadResult,
  ignored: z.unknown(),
  value: AnyJson,
} satisfies Record<Exclude<HookResultShape, "stream">, z.ZodType<unknown>>;

const EXPECTED: Partial<Record<HookResultShape, string>> = {
  outputs: "nothing, or { outputs: { … } }",
  exists: "{ exists: boolean, outputs?: { … } }",
};

/** A hook's result, normalized. `value` is the raw result of produce/trigger/execute/pull/publish. */
export interface HookResult {
  outputs?: Record<string, unknown>;
  exists?: boolean;
  value?: unknown;
}

/** Checks a hook's return value for its kind; returns the problem as text when it is wrong. */
export function parseHookResult(kind: ReturningHookKind, raw: unknown): HookResult | string {
  const shape = HOOK_KIND_TABLE[kind].result;
  const r = SCHEMAS[shape].safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
    const want = EXPECTED[shape] ?? "a JSON value";
    return `returned an invalid result (${issues}); ${kind} hooks return ${want}`;
  }
  const v = r.data;
  const out: HookResult = {};
  if (shape === "ignored") return out;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as { outputs?: Record<string, unknown>; exists?: boolean };
    if (o.outputs !== undefined && shape !== "value") out.outputs = o.outputs;
    if (shape === "exists") out.exists = o.exists;
  }
  if (v !== undefined && v !== null && shape === "value") out.value = v;
  return out;
}
