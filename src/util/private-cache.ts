import { chmodSync, lstatSync, mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/**
 * A folder under `$XDG_CACHE_HOME/meshroom` (else `~/.cache/meshroom`) that only this user can
 * write: the one policy for every cache meshroom reads back and trusts (compiled hook code,
 * parsed manifests). A cache that another user can write is a way to make meshroom run their
 * code or believe their manifests, so a folder is used only when it, and every folder above it,
 * is safe: owned by this user (or root), and writable by no one else (unless sticky, like /tmp,
 * where others cannot rename what is ours). Folders meshroom creates are 0700.
 * `MESHROOM_NO_CACHE=1` turns every cache off.
 */
/** `unsafe`: a cache folder exists or was wanted but is not safe to use (worth a warning). */
export type PrivateCache = { dir: string } | { dir: false; reason: string; unsafe: boolean };

/**
 * The cache folder `meshroom/<sub>` for this process, checked on each call (the caller keeps the
 * answer); `what` names it in messages. `create: false` does not create it: a missing folder is then `{ dir: false }` with
 * `unsafe: false` (nothing cached yet), so reading a cache leaves no trace on disk.
 */
export function privateCacheDir(sub: string, env: NodeJS.ProcessEnv = process.env, opts: { create?: boolean; what?: string } = {}): PrivateCache {
  if (env.MESHROOM_NO_CACHE === "1") return { dir: false, reason: "MESHROOM_NO_CACHE=1", unsafe: false };
  const uid = process.getuid?.();
  if (uid === undefined) return { dir: false, reason: "file ownership cannot be checked on this platform", unsafe: false };
  const xdg = env.XDG_CACHE_HOME;
  let base: string;
  if (xdg && isAbsolute(xdg)) base = xdg;
  else {
    const home = env.HOME || homedir();
    if (!home || !isAbsolute(home)) return { dir: false, reason: "no home directory and no absolute $XDG_CACHE_HOME", unsafe: false };
    base = join(home, ".cache");
  }
  const dir = join(base, "meshroom", sub);
  if (opts.create === false) {
    if (lstatSync(dir, { throwIfNoEntry: false }) === undefined) return { dir: false, reason: `${dir} does not exist yet`, unsafe: false };
  } else {
    try {
      // mode applies to the folders mkdir creates; existing ones are checked below, never loosened
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      return { dir: false, reason: `cannot create ${dir}: ${(e as Error).message}`, unsafe: true };
    }
  }
  const problem = ownFolderProblem(dir, uid) ?? ancestorsProblem(dirname(dir), uid, opts.what ?? "the cache");
  return problem ? { dir: false, reason: problem, unsafe: true } : { dir };
}

/** Why DIR may not hold our cache: not a real folder, not ours, or open to others. */
function ownFolderProblem(dir: string, uid: number): string | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    return `cannot inspect ${dir}: ${(e as Error).message}`;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) return `${dir} is not a folder (a symbolic link or a file is not used)`;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid}); remove it`;
  if ((st.mode & 0o022) !== 0) {
    // others may have written there already: not used until it is recreated (meshroom makes it 0700)
    return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); remove it (rm -rf ${dir}) and meshroom recreates it private`;
  }
  if ((st.mode & 0o077) !== 0) {
    // readable by others but writable by us alone (0755: what earlier meshroom versions created):
    // nothing can have been planted, so it is narrowed to 0700 and used
    try {
      chmodSync(dir, 0o700);
    } catch (e) {
      return `${dir} is readable by other users and cannot be made private: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** Why a folder above the cache lets someone else replace it: owned by another user, or writable by others without the sticky bit. */
function ancestorsProblem(base: string, uid: number, what: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(base);
  } catch (e) {
    return `cannot resolve ${base}: ${(e as Error).message}`;
  }
  for (;;) {
    const st = lstatSync(dir);
    if (st.uid !== uid && st.uid !== 0) return `${dir} (above ${what}) belongs to uid ${st.uid}, who could replace the cache`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${dir} (above ${what}) is writable by other users`;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
