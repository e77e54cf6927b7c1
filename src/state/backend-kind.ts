import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import type { StateBackend } from "./backend.js";

/**
 * One kind of state backend, as the registry (`backends.ts`) knows it. A new backend is one
 * file exporting `defineStateBackend({...})` plus one line in the registry: the meshroom.yaml
 * schema, `state migrate --to` choices, help texts and `openStateBackend` are derived from it.
 */

/** `backend:` in meshroom.yaml: the type and the fields of that backend (already checked against the schema). */
export interface BackendSettings {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What opening a backend may need besides its settings. */
export interface BackendContext {
  /** The project root. */
  root: string;
  env: NodeJS.ProcessEnv;
  /**
   * Where a workspace's errored file goes (the local backend's place): a backend that cannot
   * store synchronously saves a state there (`StateWriter.saveAsideSync`), for `meshroom state push`.
   */
  erroredPath(workspace: string): string;
}

/** A backend kind with its own settings type. */
export interface StateBackendDefinition<S extends z.ZodObject> {
  /** `backend: { type: … }` in meshroom.yaml and `meshroom state migrate --to …`. */
  type: string;
  /** A short name for help texts, e.g. "PostgreSQL". */
  describe: string;
  /** The sentence `state migrate --to TYPE` prints when meshroom.yaml does not use this backend yet. */
  useHint: string;
  /**
   * The backend's own fields under `backend:` (besides `type`), all optional. meshroom.yaml
   * accepts the fields of every registered backend whatever the type (so `state migrate`
   * can find another backend's settings next to `type: local`).
   */
  settingsSchema: S;
  /** The backend; it does not connect or create anything yet. Heavy modules are loaded here, lazily. */
  open(settings: z.output<S>, ctx: BackendContext): Promise<StateBackend>;
}

/** A registered kind, its settings type erased: `open` parses them. */
export interface StateBackendKind {
  readonly type: string;
  readonly describe: string;
  readonly useHint: string;
  readonly settingsSchema: z.ZodObject;
  open(settings: BackendSettings, ctx: BackendContext): Promise<StateBackend>;
}

const TYPE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export function defineStateBackend<S extends z.ZodObject>(def: StateBackendDefinition<S>): StateBackendKind {
  if (!TYPE_NAME.test(def.type)) throw new MeshroomError("E_INTERNAL", `Invalid state backend type ${JSON.stringify(def.type)}`);
  if ("type" in def.settingsSchema.shape) throw new MeshroomError("E_INTERNAL", `The ${def.type} backend's settings schema must not declare \`type\``);
  return {
    type: def.type,
    describe: def.describe,
    useHint: def.useHint,
    settingsSchema: def.settingsSchema,
    open: (settings, ctx) => {
      const { type: _type, ...fields } = settings;
      const r = def.settingsSchema.safeParse(fields);
      if (!r.success) {
        throw new MeshroomError("E_BAD_VALUE", `Invalid settings for the ${def.type} state backend: ${r.error.issues.map((i) => `${i.path.join(".") || "backend"}: ${i.message}`).join("; ")}`, {
          detail: "Fix `backend:` in meshroom.yaml.",
        });
      }
      return def.open(r.data, ctx);
    },
  };
}
