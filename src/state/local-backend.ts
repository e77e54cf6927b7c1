import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { errCode } from "../util/atomic-write.js";
import { assertInProject } from "../util/confined-path.js";
import { assertWorkspaceName, DEFAULT_WORKSPACE, type StateBackend } from "./backend.js";
import { lockedError } from "./lock-messages.js";
import { LocalStateStore, type LocalPaths } from "./local-store.js";

export const STATE_FILE_NAME = "meshroom.state.json";
export const STATE_BACKUP_NAME = "meshroom.state.json.backup";
export const STATE_ERRORED_NAME = "meshroom.state.errored.json";
export const LOCK_FILE_NAME = "state.lock";

/**
 * The embedded default backend. In the project root:
 *   meshroom.state.json (+ .backup, + meshroom.state.errored.json after a failed save)
 *   .meshroom/state.lock
 *   .meshroom/workspaces/<name>/meshroom.state.json, .../state.lock   (other workspaces)
 */
export class LocalBackend implements StateBackend {
  readonly type = "local";
  private readonly _stores = new Map<string, LocalStateStore>();

  constructor(readonly rootDir: string) {}

  /** Where a workspace's files live. */
  pathsFor(workspace: string = DEFAULT_WORKSPACE): LocalPaths {
    assertWorkspaceName(workspace);
    const dir = workspace === DEFAULT_WORKSPACE ? this.rootDir : this._workspaceDir(workspace);
    const lockDir = workspace === DEFAULT_WORKSPACE ? join(this.rootDir, ".meshroom") : dir;
    // the state and its lock stay in the project: a symlinked .meshroom/ or state file leading
    // out of it is refused (checked when a store is opened; see util/confined-path.ts)
    return {
      state: assertInProject(this.rootDir, join(dir, STATE_FILE_NAME), "use the state file"),
      backup: assertInProject(this.rootDir, join(dir, STATE_BACKUP_NAME), "use the state backup"),
      errored: assertInProject(this.rootDir, join(dir, STATE_ERRORED_NAME), "use the errored state file"),
      lock: assertInProject(this.rootDir, join(lockDir, LOCK_FILE_NAME), "use the state lock"),
    };
  }

  /** One store object per workspace, so what it remembers between read and write is shared. */
  store(workspace: string = DEFAULT_WORKSPACE): LocalStateStore {
    let s = this._stores.get(workspace);
    if (!s) {
      s = new LocalStateStore(workspace, this.pathsFor(workspace));
      this._stores.set(workspace, s);
    }
    return s;
  }

  async listWorkspaces(): Promise<string[]> {
    let names: string[] = [];
    try {
      const entries = await fsp.readdir(join(this.rootDir, ".meshroom", "workspaces"), { withFileTypes: true });
      names = entries.filter((e) => e.isDirectory()).map((e) => e.name).filter((n) => n !== DEFAULT_WORKSPACE);
    } catch (e) {
      if (errCode(e) !== "ENOENT") throw e;
    }
    return [DEFAULT_WORKSPACE, ...names.sort()];
  }

  async deleteWorkspace(name: string): Promise<void> {
    assertWorkspaceName(name);
    if (name === DEFAULT_WORKSPACE) {
      throw new MeshroomError("E_USAGE", "The default workspace cannot be deleted.");
    }
    const dir = this._workspaceDir(name);
    try {
      await fsp.access(dir);
    } catch {
      throw new MeshroomError("E_NOT_FOUND", `Workspace ${JSON.stringify(name)} does not exist.`, {
        detail: `Known workspaces: ${(await this.listWorkspaces()).join(", ")}.`,
      });
    }
    const store = this.store(name);
    const holder = await store.lockInfo();
    if (holder) throw lockedError({ info: holder }, store.paths.lock, 0);
    await fsp.rm(dir, { recursive: true, force: true });
    this._stores.delete(name);
  }

  private _workspaceDir(name: string): string {
    return join(this.rootDir, ".meshroom", "workspaces", name);
  }
}
