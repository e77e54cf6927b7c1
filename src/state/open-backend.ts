import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isMeshroomError, MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { assertInProject, prepareProjectWrite } from "../util/confined-path.js";
import { excerpt } from "../util/excerpt.js";
import { assertWorkspaceName, DEFAULT_WORKSPACE, type StateBackend, type StateStore } from "./backend.js";
import type { BackendContext, BackendSettings } from "./backend-kind.js";
import { stateBackendKind } from "./backends.js";
import { assertBackendSettled } from "./backend-switch.js";
import { LocalBackend } from "./local-backend.js";
import { localBackendKind } from "./local-kind.js";

/**
 * Which backend and workspace a project's state uses: `backend:` in meshroom.yaml picks the
 * backend; the selected workspace is in `.meshroom/workspace` (absent: `default`), and the
 * MESHROOM_WORKSPACE environment variable overrides it (for CI).
 */
export const WORKSPACE_FILE = join(".meshroom", "workspace");
export const WORKSPACE_ENV = "MESHROOM_WORKSPACE";

/**
 * The backend configured for the project at `root`. `settings` is meshroom.yaml's `backend:`
 * (the project's `ProjectSettings["backend"]`; absent: the local files). The kind comes from
 * the registry (`backends.ts`); a kind's heavy modules are loaded only when it is used.
 */
export async function openStateBackend(
  root: string,
  settings: BackendSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StateBackend> {
  const local = new LocalBackend(root);
  const ctx: BackendContext = { root, env, erroredPath: (ws) => local.pathsFor(ws).errored };
  return stateBackendKind(settings?.type ?? localBackendKind.type).open(settings ?? { type: localBackendKind.type }, ctx);
}

/**
 * The store of the project's selected workspace in its configured backend; refused while the
 * configured backend is not where the project's state lives (backend-switch.ts).
 */
export async function openProjectStateStore(
  root: string,
  settings: BackendSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StateStore> {
  await assertBackendSettled(root, settings, (type) => openStateBackend(root, { ...settings, type }, env));
  return (await openStateBackend(root, settings, env)).store(currentWorkspace(root, env));
}

/** The selected workspace: $MESHROOM_WORKSPACE, else `.meshroom/workspace`, else `default`. */
export function currentWorkspace(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[WORKSPACE_ENV];
  if (fromEnv) {
    assertWorkspaceName(fromEnv);
    return fromEnv;
  }
  let text: string;
  try {
    text = readFileSync(assertInProject(root, join(root, WORKSPACE_FILE), "read"), "utf8").trim();
  } catch (e) {
    if (isMeshroomError(e)) throw e;
    return DEFAULT_WORKSPACE;
  }
  if (text === "") return DEFAULT_WORKSPACE;
  try {
    assertWorkspaceName(text);
  } catch (e) {
    throw new MeshroomError("E_STATE", `${join(root, WORKSPACE_FILE)} names an invalid workspace ${JSON.stringify(excerpt(text))}`, {
      detail: "Run `meshroom workspace select NAME` (or delete the file to use `default`).",
      cause: e,
    });
  }
  return text;
}

/** Records `name` as the selected workspace (`default` removes the file). */
export async function selectWorkspace(root: string, name: string): Promise<void> {
  assertWorkspaceName(name);
  const file = join(root, WORKSPACE_FILE);
  if (name === DEFAULT_WORKSPACE) return rm(file, { force: true });
  await mkdir(assertInProject(root, join(root, ".meshroom"), "write"), { recursive: true });
  await writeFileAtomic(prepareProjectWrite(root, file), `${name}\n`);
}
