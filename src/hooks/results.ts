import { z } from "zod";
import { HOOK_KIND_TABLE, type HookResultShape, type JsonObject, type JsonValue, type ReturningHookKind } from "../model/index.js";

/** Anything JSON can hold: hook results and outputs are stored in state. */
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
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
  outputs?: JsonObject;
  exists?: boolean;
  value?: unknown;
}

/** Checks a hook's return value for its kind; returns the problem as text when it is wrong. */
export function parseHookResult(kind: ReturningHookKind, raw: unknown): HookResult | string {
  const shape = HOOK_KIND_TABLE[kind].result;
  const problem = (error: z.ZodError): string => {
    const issues = error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
    return `returned an invalid result (${issues}); ${kind} hooks return ${EXPECTED[shape] ?? "a JSON value"}`;
  };
  switch (shape) {
    case "ignored":
      return {};
    case "value": {
      const r = SCHEMAS.value.safeParse(raw);
      if (!r.success) return problem(r.error);
      return r.data === undefined || r.data === null ? {} : { value: r.data };
    }
    case "exists": {
      const r = SCHEMAS.exists.safeParse(raw);
      if (!r.success) return problem(r.error);
      return { exists: r.data.exists, ...(r.data.outputs !== undefined ? { outputs: r.data.outputs } : {}) };
    }
    case "outputs": {
      const r = SCHEMAS.outputs.safeParse(raw);
      if (!r.success) return problem(r.error);
      return r.data?.outputs !== undefined ? { outputs: r.data.outputs } : {};
    }
  }
}
