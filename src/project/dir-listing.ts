import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

// Folder listings of a project, sorted, with one readdir per folder (a big catalog has thousands),
// or none when a listing cache knows the folder unchanged (manifest-cache.ts).

/** One entry of a folder, as readdir typed it (a symbolic link is "link", whatever it points at). */
export interface ListedEntry {
  name: string;
  kind: "file" | "dir" | "link" | "other";
}

/** Remembers folder listings across runs: `read` is called when `dir` may have changed. */
export interface ListingCache {
  listing(dir: string, read: () => ListedEntry[]): ListedEntry[];
}

/**
 * Names of the regular files in `dir` (a symlink counts when it points at a file); none when it
 * is missing. `links`, when given, receives the paths of the symlinks among them (the listing
 * knows it for free: the project loader checks only those against the project's bounds).
 */
export function fileNamesIn(dir: string, links?: Set<string>, cache?: ListingCache): string[] {
  const names: string[] = [];
  for (const d of entriesOf(dir, cache)) {
    if (d.kind === "file") names.push(d.name);
    else if (d.kind === "link") {
      const path = join(dir, d.name);
      links?.add(path);
      if (isFile(path)) names.push(d.name);
    }
  }
  return names.sort(cmp);
}

/** Names of the sub-folders of `dir`, hidden ones left out; none when it is missing. */
export function dirNamesIn(dir: string, cache?: ListingCache): string[] {
  const names: string[] = [];
  for (const d of entriesOf(dir, cache)) if (d.kind === "dir" && !d.name.startsWith(".")) names.push(d.name);
  return names.sort(cmp);
}

function entriesOf(dir: string, cache: ListingCache | undefined): ListedEntry[] {
  return cache ? cache.listing(dir, () => readEntries(dir)) : readEntries(dir);
}

/** A directory's entries; none when it is missing or not a directory (one syscall: big catalogs have thousands). */
function readEntries(dir: string): ListedEntry[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((d) => ({
      name: d.name,
      kind: d.isFile() ? "file" : d.isDirectory() ? "dir" : d.isSymbolicLink() ? "link" : "other",
    }));
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
