import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

// Folder listings of a project, sorted, with one readdir per folder (a big catalog has thousands).

/**
 * Names of the regular files in `dir` (a symlink counts when it points at a file); none when it
 * is missing. `links`, when given, receives the paths of the symlinks among them (the listing
 * knows it for free: the project loader checks only those against the project's bounds).
 */
export function fileNamesIn(dir: string, links?: Set<string>): string[] {
  return entriesOf(dir)
    .filter((d) => {
      if (d.isFile()) return true;
      if (!d.isSymbolicLink()) return false;
      const path = join(dir, d.name);
      links?.add(path);
      return isFile(path);
    })
    .map((d) => d.name)
    .sort(cmp);
}

/** Names of the sub-folders of `dir`, hidden ones left out; none when it is missing. */
export function dirNamesIn(dir: string): string[] {
  return entriesOf(dir)
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort(cmp);
}

/** A directory's entries; none when it is missing or not a directory (one syscall: big catalogs have thousands). */
function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw e;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
