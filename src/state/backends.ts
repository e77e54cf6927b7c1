import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import type { StateBackendKind } from "./backend-kind.js";
import { localBackendKind } from "./local-kind.js";
import { pgBackendKind } from "./pg/kind.js";

/**
 * The registry of state backends: one line per kind. meshroom.yaml's `backend:` schema, the
 * `state migrate --to` choices and help, and `openStateBackend` all come from it.
 */
const kinds: StateBackendKind[] = [
  localBackendKind, // the default
  pgBackendKind,
];
const builtIn = new Set(kinds);

/** Adds a kind (for tests and embedders); a type already registered is refused. */
export function registerStateBackend(kind: StateBackendKind): void {
  if (kinds.some((k) => k.type === kind.type)) throw new MeshroomError("E_INTERNAL", `A state backend of type ${JSON.stringify(kind.type)} is already registered`);
  mergedShape([...kinds, kind]); // refuses a field another kind declares differently
  kinds.push(kind);
}

/** Removes a kind added with `registerStateBackend` (tests). */
export function unregisterStateBackend(type: string): void {
  const i = kinds.findIndex((k) => k.type === type);
  if (i >= 0 && !builtIn.has(kinds[i] as StateBackendKind)) kinds.splice(i, 1);
}

export function stateBackendKinds(): readonly StateBackendKind[] {
  return kinds;
}

export function stateBackendTypes(): string[] {
  return kinds.map((k) => k.type);
}

/** The kind of `type`, or E_USAGE naming the known ones. */
export function stateBackendKind(type: string): StateBackendKind {
  const kind = kinds.find((k) => k.type === type);
  if (!kind) {
    throw new MeshroomError("E_USAGE", `Unknown state backend type ${JSON.stringify(type)}`, {
      detail: `Known types: ${orList(stateBackendTypes())}.`,
    });
  }
  return kind;
}

/**
 * `backend:` in meshroom.yaml: `type` is one of the registered types; the other fields are
 * those of every registered kind (each optional), nothing else.
 */
export function backendSettingsSchema() {
  const [first, ...rest] = stateBackendTypes() as [string, ...string[]];
  return z.object({ type: z.enum([first, ...rest]), ...mergedShape(kinds) }).strict();
}

/** "a, b or c" */
export function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1] as string}`;
}

function mergedShape(list: StateBackendKind[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  const owner: Record<string, string> = {};
  for (const k of list) {
    for (const [field, schema] of Object.entries(k.settingsSchema.shape as Record<string, z.ZodType>)) {
      if (shape[field] && shape[field] !== schema) {
        throw new MeshroomError("E_INTERNAL", `State backends ${owner[field] ?? "?"} and ${k.type} both declare the setting \`${field}\``);
      }
      shape[field] = schema;
      owner[field] = k.type;
    }
  }
  return shape;
}
