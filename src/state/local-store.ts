import { isAscii } from "node:buffer";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { dirname } from "node:path";
import { isMeshroomError, MeshroomError } from "../errors/index.js";
import { VERSION } from "../util/version.js";
import { errCode, PRIVATE_FILE_MODE, writeFileAtomic, writeFileAtomicSync, writePrivateFile, writePrivateFileSync } from "../util/atomic-write.js";
import { overlappingWrite, type LockHandle, type LockInfo, type LockOptions, type LockRequest, type StateStore, type WriteOutcome } from "./backend.js";
import { FileLock } from "./lock-file.js";
import { RenderBuffer, renderState, type RenderedState } from "./render-state.js";
import { parseStateText, type StateFile } from "./schema.js";
import { decideWrite, type StoredSnapshot } from "./write-rules.js";

export interface LocalPaths {
  state: string;
  backup: string;
  errored: string;
  lock: string;
}

type FileSig = { ino: number; size: number; mtimeMs: number; ctimeMs: number };

/** What this store last read or wrote; `content` is rendered only when a write needs it. */
interface Known {
  sig: FileSig;
  lineage: string;
  serial: number;
  file?: StateFile;
  content?: RenderedState;
}

/**
 * One workspace of the local backend: a JSON file written atomically (previous copy kept as
 * `.backup`; on failure the new state goes to `.errored.json`), and a lock file. Plain storage:
 * it schedules nothing and takes one asynchronous write at a time (`StatePersister` decides when
 * a run writes); a `writeSync` (the last save before an exit) may land while one is in flight,
 * and that older write then does not replace it.
 * Before a write the file is `stat`ed: if it is the one this store last read or wrote (same
 * inode, size, times), the remembered serial/lineage/content are used; otherwise it is re-read,
 * so a write by another process is detected without re-reading on every save.
 */
export class LocalStateStore implements StateStore {
  readonly location: string;
  private readonly _lock: FileLock;
  private _known: Known | undefined;
  private _writing = false;
  /** The serial an asynchronous write in flight decided on (it may land before it returns). */
  private _inFlight: { lineage: string; serial: number } | undefined;
  private _issued = 0;
  private _committed = 0;
  private _dirReady = false;
  /** Reused by the asynchronous writes (one at a time); `writeSync` may run meanwhile, so it does not use it. */
  private readonly _scratch = new RenderBuffer();

  constructor(
    readonly workspace: string,
    readonly paths: LocalPaths,
  ) {
    this.location = paths.state;
    this._lock = new FileLock(paths.lock, paths.state);
  }

  async read(): Promise<StateFile | undefined> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.paths.state, "r");
    } catch (e) {
      if (errCode(e) === "ENOENT") return (this._known = undefined);
      throw errCode(e) === "EISDIR" ? stateIsDirectory(this.paths.state) : e;
    }
    let text: string;
    let st: fs.Stats;
    try {
      st = await fh.stat();
      if (st.isDirectory()) throw stateIsDirectory(this.paths.state);
      text = decodeText(await fh.readFile());
    } finally {
      await fh.close();
    }
    return this._remember(parseStateText(text, this.paths.state), st);
  }

  /** Synchronous `read` (also used by `writeSync`). */
  readSync(): StateFile | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.paths.state, "r");
    } catch (e) {
      if (errCode(e) === "ENOENT") return (this._known = undefined);
      throw errCode(e) === "EISDIR" ? stateIsDirectory(this.paths.state) : e;
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) throw stateIsDirectory(this.paths.state);
      return this._remember(parseStateText(decodeText(fs.readFileSync(fd)), this.paths.state), st);
    } finally {
      fs.closeSync(fd);
    }
  }

  async write(state: StateFile): Promise<WriteOutcome> {
    if (this._writing) throw overlappingWrite(this.paths.state);
    this._writing = true;
    try {
      return await this._writeNow(state, renderState(state), ++this._issued);
    } finally {
      this._writing = false;
      this._inFlight = undefined;
    }
  }

  writeSync(state: StateFile): WriteOutcome {
    const rendered = renderState(state);
    const ticket = ++this._issued;
    try {
      const sig = statOrUndefined(this.paths.state);
      if (sig && fs.statSync(this.paths.state).isDirectory()) throw new Error(isDirectoryReason(this.paths.state));
      if (!sig && !this._dirReady) fs.mkdirSync(dirname(this.paths.state), { recursive: true });
      this._dirReady = true;
      const stored = this._snapshot(sig, () => this.readSync());
      // the asynchronous write in flight may have landed, not yet returned: what it stored is
      // this run's own state, not another meshroom's
      const f = this._inFlight;
      const own = f !== undefined && stored !== undefined && stored.lineage === f.lineage && stored.serial === f.serial && state.serial < f.serial;
      const d = decideWrite(own ? { ...state, serial: f.serial } : state, rendered, stored, this.paths.state);
      if (!d.write) return { state: { ...state, serial: d.serial }, written: false };
      writeFileAtomicSync(this.paths.state, rendered.bytes(d.serial, VERSION), { backup: this.paths.backup, mode: PRIVATE_FILE_MODE });
      this._committed = Math.max(this._committed, ticket);
      this._afterWrite(state, rendered, d.serial, fs.statSync(this.paths.state));
      return { state: { ...state, serial: d.serial, meshroom_version: VERSION }, written: true };
    } catch (e) {
      let saved = true;
      try {
        writePrivateFileSync(this.paths.errored, rendered.bytes(state.serial + 1, VERSION));
      } catch {
        saved = false;
      }
      throw this._writeError(e, saved);
    }
  }

  lock(req: LockRequest, opts?: LockOptions): Promise<LockHandle> {
    return this._lock.lock(req, opts);
  }

  unlock(id: string): Promise<void> {
    return this._lock.unlock(id);
  }

  forceUnlock(id: string): Promise<void> {
    return this._lock.forceUnlock(id);
  }

  lockInfo(): Promise<LockInfo | undefined> {
    return this._lock.lockInfo();
  }

  private async _writeNow(state: StateFile, rendered: RenderedState, ticket: number): Promise<WriteOutcome> {
    try {
      const st = await fsp.stat(this.paths.state).catch((e: unknown) => {
        if (errCode(e) === "ENOENT") return undefined;
        throw e;
      });
      if (st?.isDirectory()) throw new Error(isDirectoryReason(this.paths.state));
      const sig = st && toSig(st);
      if (!sig && !this._dirReady) await fsp.mkdir(dirname(this.paths.state), { recursive: true });
      this._dirReady = true;
      if (sig && !(this._known && sameSig(sig, this._known.sig))) await this.read();
      // a synchronous save (the last one before an exit) landed since this write was asked for:
      // it stored a later state of this run, so this older one is superseded, not a conflict
      if (this._committed > ticket && this._known) return { state: { ...state, serial: this._known.serial }, written: false };
      const d = decideWrite(state, rendered, this._snapshot(sig, () => undefined), this.paths.state);
      if (!d.write) return { state: { ...state, serial: d.serial }, written: false };
      this._inFlight = { lineage: state.lineage, serial: d.serial };
      const committed = await writeFileAtomic(this.paths.state, rendered.bytes(d.serial, VERSION, this._scratch), {
        backup: this.paths.backup,
        mode: PRIVATE_FILE_MODE,
        beforeCommit: () => this._committed < ticket, // a later synchronous save already landed
      });
      if (!committed) return { state: { ...state, serial: d.serial }, written: false };
      // a synchronous save landed after this one: it holds a later state and `_known` describes it
      if (this._committed > ticket) return { state: { ...state, serial: d.serial, meshroom_version: VERSION }, written: true };
      this._committed = ticket;
      this._afterWrite(state, rendered, d.serial, fs.statSync(this.paths.state));
      return { state: { ...state, serial: d.serial, meshroom_version: VERSION }, written: true };
    } catch (e) {
      const saved = await writePrivateFile(this.paths.errored, rendered.bytes(state.serial + 1, VERSION)).then(
        () => true,
        () => false,
      );
      throw this._writeError(e, saved);
    }
  }

  /** The stored snapshot given the file's current stat (`reread` refreshes `_known` when stale). */
  private _snapshot(sig: FileSig | undefined, reread: () => unknown): StoredSnapshot | undefined {
    if (!sig) return undefined;
    if (!(this._known && sameSig(sig, this._known.sig))) reread();
    const k = this._known;
    if (!k) return undefined;
    k.content ??= renderState(k.file!);
    k.file = undefined;
    return { lineage: k.lineage, serial: k.serial, content: k.content };
  }

  private _remember(file: StateFile, st: fs.Stats): StateFile {
    this._known = { sig: toSig(st), lineage: file.lineage, serial: file.serial, file };
    return file;
  }

  private _afterWrite(state: StateFile, rendered: RenderedState, serial: number, st: fs.Stats): void {
    this._known = { sig: toSig(st), lineage: state.lineage, serial, content: rendered };
  }

  /**
   * Whatever stopped the write, the state this run meant to save is not lost: it goes to
   * `errored` when possible. A refusal (E_STATE: lineage/serial, unreadable stored file) keeps
   * its code; a storage failure becomes E_STATE_WRITE.
   */
  private _writeError(cause: unknown, saved: boolean): MeshroomError {
    const { state, errored } = this.paths;
    const where = saved
      ? `The state this run meant to save was written to ${errored}.`
      : `Writing it to ${errored} failed too.`;
    if (isMeshroomError(cause)) {
      return new MeshroomError(cause.code, cause.message, {
        detail: [cause.detail, where].filter(Boolean).join("\n"),
        cause,
      });
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new MeshroomError("E_STATE_WRITE", `Failed to save state to ${state}: ${reason}. ${where}`, {
      detail: saved
        ? `Fix the cause, then move ${errored} to ${state} before running meshroom again: the stored state is behind what was done.`
        : "The stored state is behind what was done; check the resources before the next apply.",
      cause,
    });
  }
}

/**
 * UTF-8 text of a file; ASCII (what state files nearly always are) is decoded as Latin-1, several
 * times faster. A UTF-8 byte order mark (left by some editors) is dropped; meshroom never writes one.
 */
function isDirectoryReason(path: string): string {
  return `${path} is a directory, not a file`;
}

function decodeText(bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return isAscii(body) ? body.toString("latin1") : body.toString("utf8");
}

/** The state path is a directory: say so, and where (a bare EISDIR named neither). */
function stateIsDirectory(path: string): MeshroomError {
  return new MeshroomError("E_STATE", `Cannot read the state: ${isDirectoryReason(path)}`, {
    detail: `meshroom keeps this workspace's state in that file: move the directory away (e.g. \`mv ${path} ${path}.old\`) and run the command again.`,
  });
}

function toSig(st: fs.Stats): FileSig {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function sameSig(a: FileSig, b: FileSig): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function statOrUndefined(path: string): FileSig | undefined {
  try {
    return toSig(fs.statSync(path));
  } catch (e) {
    if (errCode(e) === "ENOENT") return undefined;
    throw e;
  }
}
