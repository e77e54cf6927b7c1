import { existsSync, lstatSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { escapeOf } from "../util/confined-path.js";
import { loadProjectWithDiagnostics } from "./load.js";
import { removePath } from "./remove-path.js";

/** What one watched path held before the change: nothing, a file (bytes and mode), or a folder's files. */
type Saved =
  | { kind: "absent" }
  | { kind: "file"; data: Buffer; mode: number; atime: number; mtime: number }
  | { kind: "link" }
  | { kind: "dir"; entries: Map<string, Saved> };

function _save(path: string): Saved {
  let st;
  try {
    st = lstatSync(path, { bigint: true });
  } catch {
    return { kind: "absent" };
  }
  if (st.isSymbolicLink()) return { kind: "link" };
  if (st.isDirectory()) return { kind: "dir", entries: new Map(readdirSync(path).map((n) => [n, _save(join(path, n))])) };
  // times in seconds, as utimes takes them (to the microsecond or so): a restored file keeps its old mtime
  return { kind: "file", data: readFileSync(path), mode: Number(st.mode & 0o777n), atime: Number(st.atimeNs) / 1e9, mtime: Number(st.mtimeNs) / 1e9 };
}

function _same(path: string, saved: Extract<Saved, { kind: "file" }>): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && (st.mode & 0o777) === saved.mode && readFileSync(path).equals(saved.data);
  } catch {
    return false;
  }
}

/** Puts `path` back as saved: removes what was added, rewrites what changed; links are never followed or rewritten. */
function _restore(root: string, path: string, saved: Saved): void {
  if (saved.kind === "link") return;
  if (saved.kind === "absent") {
    removePath(root, path);
    return;
  }
  if (saved.kind === "file") {
    if (_same(path, saved)) return;
    removePath(root, path);
    writeFileAtomicSync(path, saved.data, { mode: saved.mode });
    utimesSync(path, saved.atime, saved.mtime);
    return;
  }
  let now: string[] = [];
  try {
    now = lstatSync(path).isDirectory() ? readdirSync(path) : [];
  } catch {
    // gone: the files below are written back one by one
  }
  for (const name of now) if (!saved.entries.has(name)) removePath(root, join(path, name));
  for (const [name, inner] of saved.entries) {
    if (inner.kind === "dir" && !now.includes(name)) removePath(root, join(path, name));
    _restore(root, join(path, name), inner);
  }
}

/** For a path that does not exist yet, the highest missing folder on its way (inside the project): the change may create them all. */
function _topmostAbsent(root: string, path: string): string {
  if (_save(path).kind !== "absent") return path;
  let top = path;
  for (let up = dirname(path); ; up = dirname(up)) {
    const rel = relative(root, up);
    if (rel === "" || rel.startsWith("..") || existsSync(up)) return top;
    top = up;
  }
}

/**
 * Runs an authoring change all-or-nothing: the files and folders in `watched` (inside the
 * project; a folder counts with everything under it) are saved first, and put back as they were
 * when `change` throws, so a failed `create`, `add` or `plug` leaves the project as it found it.
 * Whatever `change` does outside `watched` (the secrets store) is its own to undo.
 */
export async function allOrNothing<T>(root: string, watched: readonly string[], change: () => Promise<T>): Promise<T> {
  const before = watched.filter((p) => escapeOf(root, p) === undefined).map((p) => _topmostAbsent(root, p)).map((p) => [p, _save(p)] as const);
  try {
    return await change();
  } catch (e) {
    for (const [p, saved] of before) _restore(root, p, saved);
    throw e;
  }
}

/**
 * Throws unless the project still loads: called by an authoring change before it returns, so a
 * change that would leave the project invalid (and every later command failing) is undone.
 */
export async function assertProjectStillLoads(root: string, what: string): Promise<void> {
  const { diagnostics } = await loadProjectWithDiagnostics(root);
  if (diagnostics.length === 0) return;
  throw new MeshroomError("E_BAD_MANIFEST", `${what} would leave the project invalid; nothing was changed`, { diagnostics });
}
