/**
 * A state backend kept in memory, registered like any other kind: it proves that a backend is
 * one file plus one registry line (`registerStateBackend`). Storage is per `bucket`, shared by
 * every backend opened on it (as another process would see a database).
 */
import { z } from "zod";
import { MeshroomError } from "../../src/errors/index.js";
import { defineStateBackend } from "../../src/state/backend-kind.js";
import { decideWrite, DEFAULT_WORKSPACE, renderState, assertWorkspaceName, lockedError, parseStateText } from "../../src/state/index.js";
import type { LockHandle, LockInfo, LockOptions, LockRequest, StateBackend, StateFile, StateStore, WriteOutcome } from "../../src/state/index.js";
import { newLockInfo } from "../../src/state/lock-file.js";
import { lockIdMismatch } from "../../src/state/lock-messages.js";
import { VERSION } from "../../src/util/version.js";

interface Row {
  text?: string;
  lineage?: string;
  serial?: number;
  contentKey?: string;
  lock?: LockInfo;
}

const buckets = new Map<string, Map<string, Row>>();

export function dropBucket(name: string): void {
  buckets.delete(name);
}

class MemoryStore implements StateStore {
  readonly location: string;
  constructor(
    private readonly rows: Map<string, Row>,
    readonly workspace: string,
    bucket: string,
  ) {
    this.location = `memory://${bucket}/${workspace}`;
  }

  private row(): Row {
    let r = this.rows.get(this.workspace);
    if (!r) this.rows.set(this.workspace, (r = {}));
    return r;
  }

  async read(): Promise<StateFile | undefined> {
    const t = this.rows.get(this.workspace)?.text;
    return t === undefined ? undefined : parseStateText(t, this.location);
  }

  async write(state: StateFile): Promise<WriteOutcome> {
    const rendered = renderState(state);
    const r = this.row();
    const stored = r.text === undefined ? undefined : { lineage: r.lineage as string, serial: r.serial as number, content: r.contentKey as string };
    const d = decideWrite(state, rendered, stored, this.location);
    if (!d.write) return { state: { ...state, serial: d.serial }, written: false };
    Object.assign(r, { text: rendered.text(d.serial, VERSION), lineage: state.lineage, serial: d.serial, contentKey: rendered.contentKey });
    return { state: { ...state, serial: d.serial, meshroom_version: VERSION }, written: true };
  }

  async lock(req: LockRequest, opts: LockOptions = {}): Promise<LockHandle> {
    const t0 = Date.now();
    for (;;) {
      const r = this.row();
      if (!r.lock) {
        const info = newLockInfo(req, this.location);
        r.lock = info;
        return { id: info.id, info, warnings: [], release: () => this.unlock(info.id) };
      }
      const waited = Date.now() - t0;
      if (!opts.timeoutMs || waited >= opts.timeoutMs || opts.signal?.aborted) throw lockedError({ info: r.lock }, this.location, opts.timeoutMs ? waited : 0);
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  async unlock(id: string): Promise<void> {
    const r = this.row();
    if (!r.lock) return;
    if (r.lock.id !== id) throw lockIdMismatch(id, { info: r.lock }, this.location, "unlock");
    delete r.lock;
  }

  async forceUnlock(id: string): Promise<void> {
    const r = this.row();
    if (!r.lock) throw new MeshroomError("E_NOT_FOUND", `${this.location} is not locked.`);
    if (r.lock.id !== id) throw lockIdMismatch(id, { info: r.lock }, this.location, "force-unlock");
    delete r.lock;
  }

  async lockInfo(): Promise<LockInfo | undefined> {
    return this.rows.get(this.workspace)?.lock;
  }
}

export class MemoryBackend implements StateBackend {
  readonly type = "memory";
  private readonly rows: Map<string, Row>;
  constructor(readonly bucket: string) {
    let rows = buckets.get(bucket);
    if (!rows) buckets.set(bucket, (rows = new Map()));
    this.rows = rows;
  }

  store(workspace: string = DEFAULT_WORKSPACE): StateStore {
    assertWorkspaceName(workspace);
    return new MemoryStore(this.rows, workspace, this.bucket);
  }

  async listWorkspaces(): Promise<string[]> {
    const names = [...this.rows].filter(([n, r]) => n !== DEFAULT_WORKSPACE && r.text !== undefined).map(([n]) => n);
    return [DEFAULT_WORKSPACE, ...names.sort()];
  }

  async deleteWorkspace(name: string): Promise<void> {
    assertWorkspaceName(name);
    if (name === DEFAULT_WORKSPACE) throw new MeshroomError("E_USAGE", "The default workspace cannot be deleted.");
    const r = this.rows.get(name);
    if (r?.text === undefined) throw new MeshroomError("E_NOT_FOUND", `Workspace ${JSON.stringify(name)} does not exist.`);
    if (r.lock) throw lockedError({ info: r.lock }, this.location(name), 0);
    this.rows.delete(name);
  }

  private location(ws: string): string {
    return `memory://${this.bucket}/${ws}`;
  }
}

/** The whole backend kind: type, settings, how to open it. */
export const memoryBackendKind = defineStateBackend({
  type: "memory",
  describe: "process memory (tests)",
  useHint: "Now set `backend: { type: memory }` in meshroom.yaml so meshroom uses it.",
  settingsSchema: z.object({ bucket: z.string().optional() }),
  open: async (settings) => new MemoryBackend(settings.bucket ?? "default"),
});
