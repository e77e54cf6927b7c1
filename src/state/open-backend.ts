import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isMeshroomError, MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { assertInProject, prepareProjectWrite } from "../util/confined-path.js";
import { excerpt } from "../util/excerpt.js";
import { assertWorkspaceName, DEFAULT_WORKSPACE, type StateBackend, type StateStore } from "./backend.js";
import { LocalBackend } from "./local-backend.js";
import type { BackendSettings } from "./pg/config.js";

/**
 * Which backend and workspace a project's state uses: `backend:` in meshroom.yaml picks the
 * backend; the selected workspace is in `.meshroom/workspace` (absent: `default`), and the
 * MESHROOM_WORKSPACE environment variable overrides it (for CI).
 */
export const WORKSPACE_FILE = join(".meshroom", "workspace");
export const WORKSPACE_ENV = "MESHROOM_WORKSPACE";

/**
 * The backend configured for the project at `root`. `settings` is meshroom.yaml's `backend:`
 * (the project's `ProjectSettings["backend"]`). The pg module is loaded only when used.
 */
export async function openStateBackend(
  root: string,
  settings: BackendSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StateBackend> {
  if (!settings || settings.type === "local") return new LocalBackend(root);
  const { PgBackend, resolvePgConfig } = await import("./pg/index.js");
  const cfg = resolvePgConfig(settings, env);
  const local = new LocalBackend(root);
  return new PgBackend({
    connectionString: cfg.connectionString,
    schema: cfg.schema,
    display: cfg.display,
    // A write that fails saves what it meant to store where the local backend would.
    erroredPath: (ws) => local.pathsFor(ws).errored,
  });
}

/** The store of the project's selected workspace in its configured backend. */
export async function openProjectStateStore(
  root: string,
  settings: BackendSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StateStore> {
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
