import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isMeshroomError, MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { assertInProject, prepareProjectWrite } from "../util/confined-path.js";
import type { StateBackend } from "./backend.js";
import type { BackendSettings } from "./backend-kind.js";
import { LOCAL_BACKEND_TYPE } from "./local-kind.js";

/**
 * A backend switch must not forget the state (after `terraform init`'s "Backend configuration
 * changed"). `.meshroom/backend` records which backend type this checkout's state lives in (absent:
 * the local files); `meshroom state migrate` writes it once it has copied the state (or, with
 * `--no-copy`, once the user said the new backend starts without it). When meshroom.yaml names
 * another type than the record, the previous backend is looked at: if it holds resources, every
 * command that uses the state is refused until the user migrates or says so.
 *
 * Only the type is compared: a new `schema_name` or connection string of the same type is not
 * seen as a switch.
 */
export const BACKEND_RECORD_FILE = join(".meshroom", "backend");

const TYPE_LINE = /^[a-z][a-z0-9_-]{0,31}$/;

/** The backend type this checkout's state was last settled in (absent or unreadable record: the local files). */
export function recordedBackendType(root: string): string {
  let text: string;
  try {
    text = readFileSync(assertInProject(root, join(root, BACKEND_RECORD_FILE), "read"), "utf8").trim();
  } catch (e) {
    if (isMeshroomError(e)) throw e;
    return LOCAL_BACKEND_TYPE;
  }
  return TYPE_LINE.test(text) ? text : LOCAL_BACKEND_TYPE;
}

/** Records that this checkout's state now lives in a backend of `type`. */
export async function recordBackendType(root: string, type: string): Promise<void> {
  if (!TYPE_LINE.test(type)) throw new MeshroomError("E_INTERNAL", `Invalid state backend type ${JSON.stringify(type)}`);
  if (type === recordedBackendType(root)) return;
  await mkdir(assertInProject(root, join(root, ".meshroom"), "write"), { recursive: true });
  await writeFileAtomic(prepareProjectWrite(root, join(root, BACKEND_RECORD_FILE)), `${type}\n`);
}

/** Where a backend holds resources: workspace → number of resources (workspaces without any left out). */
export async function statesHeldBy(backend: StateBackend): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ws of await backend.listWorkspaces()) {
    const n = (await backend.store(ws).read())?.resources.length ?? 0;
    if (n > 0) out.set(ws, n);
  }
  return out;
}

/**
 * Refuses (E_STATE) when meshroom.yaml's backend is not the one this checkout's state lives in
 * and that one holds resources. When it holds none, the switch is recorded and allowed.
 * `open` opens a backend of a type with the project's settings (the previous backend's fields
 * may sit in meshroom.yaml next to the new `type`).
 */
export async function assertBackendSettled(
  root: string,
  settings: BackendSettings | undefined,
  open: (type: string) => Promise<StateBackend>,
): Promise<void> {
  const configured = settings?.type ?? LOCAL_BACKEND_TYPE;
  const recorded = recordedBackendType(root);
  if (configured === recorded) return;
  let held: Map<string, number>;
  let previous: StateBackend | undefined;
  try {
    previous = await open(recorded);
    held = await statesHeldBy(previous);
  } catch (e) {
    throw switchRefused(root, configured, recorded, `its state could not be read (${e instanceof Error ? e.message : String(e)})`, e);
  } finally {
    const closable = previous as (StateBackend & { close?: () => Promise<void> }) | undefined;
    await closable?.close?.().catch(() => undefined);
  }
  if (held.size === 0) return recordBackendType(root, configured);
  const where = [...held].map(([ws, n]) => `${ws}: ${n} resource${n === 1 ? "" : "s"}`).join(", ");
  throw switchRefused(root, configured, recorded, `it holds this project's state (${where})`);
}

function switchRefused(root: string, configured: string, recorded: string, why: string, cause?: unknown): MeshroomError {
  const back = recorded === LOCAL_BACKEND_TYPE ? "" : ` --from ${recorded}`;
  return new MeshroomError(
    "E_STATE",
    `meshroom.yaml now configures the ${configured} state backend, but this project's state is in the ${recorded} backend: ${why}. ` +
      `Using ${configured} as is would start from an empty state and plan to set everything up again.`,
    {
      detail:
        `Copy the state first: \`meshroom state migrate${back} --to ${configured}\`` +
        (recorded === LOCAL_BACKEND_TYPE ? "" : ` (keep the ${recorded} backend's settings next to \`type: ${configured}\` in meshroom.yaml while it runs)`) +
        `. If the ${configured} backend is meant to start without that state, say so: \`meshroom state migrate --to ${configured} --no-copy\` ` +
        `(the ${recorded} state is left where it is). Or set \`backend: { type: ${recorded} }\` back in meshroom.yaml (${join(root, "meshroom.yaml")}).`,
      ...(cause !== undefined ? { cause } : {}),
    },
  );
}
