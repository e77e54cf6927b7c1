import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

/**
 * Crash-safe file replacement: the new text goes to a temp file in the same directory, is
 * fsynced, and renamed over the target; then the directory is fsynced. Readers (and a process
 * killed at any moment) see the old file or the new one, never a mix. When `backup` is given,
 * the previous file is hard-linked there first (O(1), no copy). Missing parent directories are created. Written by hand because it is
 * ~60 lines and must be available synchronously too (a last save from a signal handler).
 */
export interface AtomicWriteOptions {
  backup?: string;
  /**
   * Permission bits of the new file (default 0o644), set when its temp file is created, before
   * any data is written; the backup is given them too (it may be a file an older meshroom wrote).
   */
  mode?: number;
  /** Called just before the rename; returning false abandons the write (a newer one landed). */
  beforeCommit?: () => boolean;
}

const DEFAULT_MODE = 0o644;
/** Files that may hold what hooks returned (state, its backup, saved plans): the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

export async function writeFileAtomic(path: string, text: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<boolean> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await fsp.open(tmp, "wx", opts.mode ?? DEFAULT_MODE);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.backup) await keepBackup(path, opts.backup, opts.mode);
    if (opts.beforeCommit) {
      // the check and the rename in one turn of the event loop: nothing (a synchronous save in a
      // signal handler) can land between them, and no rename still in flight can land after it
      if (!opts.beforeCommit()) {
        await fsp.rm(tmp, { force: true });
        return false;
      }
      fs.renameSync(tmp, path);
    } else {
      await fsp.rename(tmp, path);
    }
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
  return true;
}

export function writeFileAtomicSync(path: string, text: string | Uint8Array, opts: AtomicWriteOptions = {}): boolean {
  fs.mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fd = fs.openSync(tmp, "wx", opts.mode ?? DEFAULT_MODE);
    try {
      fs.writeFileSync(fd, text, "utf8");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (opts.backup) keepBackupSync(path, opts.backup, opts.mode);
    if (opts.beforeCommit && !opts.beforeCommit()) {
      fs.rmSync(tmp, { force: true });
      return false;
    }
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the original error matters more than a leftover temp file
    }
    throw e;
  }
  syncDirSync(dirname(path));
  return true;
}

/**
 * The current file, hard-linked (or copied) under a temp name, then renamed over `backup`: the
 * backup is replaced in one step, so a save that runs meanwhile (a synchronous one from a signal
 * handler, between two awaits of an asynchronous one) cannot make this one fail, and there is
 * never a moment without a backup.
 */
async function keepBackup(path: string, backup: string, mode: number | undefined): Promise<void> {
  const tmp = tempPathFor(backup);
  try {
    try {
      await fsp.link(path, tmp);
    } catch (e) {
      const code = errCode(e);
      if (code === "ENOENT") return; // no previous file: nothing to keep
      if (code === "EPERM" || code === "ENOTSUP" || code === "EXDEV") await fsp.copyFile(path, tmp);
      else throw e;
    }
    if (mode !== undefined) await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, backup);
    // when `backup` already is a link to the same file (a save meanwhile kept the same one),
    // rename does nothing and leaves `tmp` (POSIX): remove it
    await fsp.rm(tmp, { force: true });
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

function keepBackupSync(path: string, backup: string, mode: number | undefined): void {
  const tmp = tempPathFor(backup);
  try {
    try {
      fs.linkSync(path, tmp);
    } catch (e) {
      const code = errCode(e);
      if (code === "ENOENT") return;
      if (code === "EPERM" || code === "ENOTSUP" || code === "EXDEV") fs.copyFileSync(path, tmp);
      else throw e;
    }
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, backup);
    fs.rmSync(tmp, { force: true }); // see keepBackup
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes a file readable by its owner only, in place (not atomically: for last-resort copies
 * such as a state that could not be saved). An existing file is narrowed to 0600 before the
 * new data goes in.
 */
export function writePrivateFileSync(path: string, data: string | Uint8Array): void {
  const fd = fs.openSync(path, "w", PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await fsp.open(path, "w", PRIVATE_FILE_MODE);
  try {
    await fh.chmod(PRIVATE_FILE_MODE);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

/** Makes a rename durable. Some platforms cannot fsync a directory; that is not an error. */
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, "r");
    await fh.sync();
  } catch {
    // best effort (Windows, some network filesystems)
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // best effort, as above
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}
