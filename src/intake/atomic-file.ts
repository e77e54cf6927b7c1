// Whole-file writes that are either fully there or not at all (temp file, fsync, rename, dir fsync).
import { promises as fsp } from "node:fs";
import { dirname, basename, join } from "node:path";
import { randomBytes } from "node:crypto";

export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await fsp.open(tmp, "w", mode);
  try {
    await fh.writeFile(data, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

/** Makes a rename or file creation in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await fsp.open(dir, "r");
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
