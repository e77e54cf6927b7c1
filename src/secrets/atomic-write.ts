import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";

/**
 * Writes `data` to `file` atomically: a temp file in the same directory, fsync, rename over the
 * target, fsync of the directory. Readers see the old or the new content, never a torn one.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(data, "utf8");
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await _syncDir(dir);
}

async function _syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; some platforms refuse to open a directory, which is fine.
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // best effort only
  } finally {
    await fh?.close();
  }
}
