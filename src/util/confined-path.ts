import { existsSync, mkdirSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { MeshroomError } from "../errors/index.js";

/**
 * Keeps every read and write of project files inside the project. A path is checked as the
 * operating system would resolve it: the real path of its deepest existing ancestor (every
 * symbolic link on the way followed) plus the part that does not exist yet. A path that
 * resolves outside the project's real root is refused, so a symlinked `instances/<product>`,
 * `plugs/` or `config.yaml` cannot make meshroom write or read (and echo) a file elsewhere.
 *
 * Symbolic links that stay inside the project are allowed (e.g. two instances sharing a
 * hook file); only where a path ends up matters.
 *
 * A check and the access after it are two steps (a path swapped between them is not caught):
 * writes re-check after creating the missing directories, and write through a temp file created
 * with O_EXCL (never following a link) renamed over the target (replacing a link, never writing
 * through one), so what remains is a race with someone who can already write in the project.
 */

const realRoots = new Map<string, string>();

/** The project root with its symbolic links resolved (once per process and root). */
export function realRootOf(root: string): string {
  const abs = resolve(root);
  const known = realRoots.get(abs);
  if (known !== undefined) return known;
  const real = resolvedPath(abs, abs);
  // a root not created yet (init) is resolved again next time
  if (existsSync(abs)) realRoots.set(abs, real);
  return real;
}

/**
 * Where `file` (absolute, or relative to the root) really is: its real path when it exists;
 * else the real path of its parent joined with its name, a dangling symbolic link followed to
 * where it points (writing through one would create its target).
 */
export function resolvedPath(root: string, file: string): string {
  return physical(isAbsolute(file) ? file : resolve(root, file), 0);
}

/** Links followed before giving up (the OS's own limit is about as many; the access fails with ELOOP). */
const MAX_LINKS = 40;

function physical(abs: string, hops: number): string {
  try {
    return realpathSync.native(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOENT: not there yet; ENOTDIR: a file where a folder is expected (the access will say so)
    if (code !== "ENOENT" && code !== "ENOTDIR") return abs;
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  const here = join(physical(parent, hops), basename(abs));
  let target: string;
  try {
    target = readlinkSync(here);
  } catch {
    return here; // not a link: simply missing
  }
  return hops >= MAX_LINKS ? here : physical(resolve(dirname(here), target), hops + 1);
}

/** Where `file` resolves to when that is outside the project; undefined when it stays inside. */
export function escapeOf(root: string, file: string): string | undefined {
  const real = realRootOf(root);
  const target = resolvedPath(root, file);
  return inside(real, target) ? undefined : target;
}

/** Throws E_BAD_PATH when `file` resolves outside the project (`action`: "read", "write", "remove"). */
export function assertInProject(root: string, file: string, action: string): string {
  const target = escapeOf(root, file);
  if (target !== undefined) throw outsideProject(root, file, target, action);
  return file;
}

/**
 * Makes `file` ready to be written: checked, its missing folders created, checked again (a
 * folder created through a link that appeared meanwhile is caught before anything is written).
 */
export function prepareProjectWrite(root: string, file: string): string {
  assertInProject(root, file, "write");
  mkdirSync(dirname(file), { recursive: true });
  return assertInProject(root, file, "write");
}

/** The refusal, naming the path (relative to the project) and where it points. */
export function outsideProject(root: string, file: string, target: string, action: string): MeshroomError {
  const shown = shownPath(root, file);
  return new MeshroomError("E_BAD_PATH", `refusing to ${action} ${shown}: it resolves to ${target}, outside the project`, {
    detail:
      `a symbolic link on the way (${shown} or one of its folders) points out of ${realRootOf(root)}; ` +
      "meshroom only reads and writes files inside the project: replace the link with a real folder or file",
  });
}

/** A diagnostic summary for a file that is refused (for `validate`). */
export function outsideProjectSummary(target: string): string {
  return `refused: the file resolves to ${target}, outside the project (a symbolic link points out of it)`;
}

function shownPath(root: string, file: string): string {
  const abs = isAbsolute(file) ? file : resolve(root, file);
  const rel = relative(resolve(root), abs);
  return rel && !rel.startsWith("..") ? rel : abs;
}

function inside(realRoot: string, target: string): boolean {
  return target === realRoot || target.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
