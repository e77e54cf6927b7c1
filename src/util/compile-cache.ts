import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/**
 * Where compiled hook code (TypeScript transpiled by jiti) may be cached: the one policy for
 * every place meshroom compiles code (the hook loader, and the code-mesh app it runs).
 *
 * jiti's default cache is the shared `$TMPDIR/jiti`, and it only checks that the folder is
 * writable. Its file names (`<dir>-<file>.<md5(path)[:8]>.mjs`) and the trailing line it checks
 * (a hash of the source) can be computed offline, so anyone who creates that folder first can
 * plant a module that the next `meshroom validate` runs. So the cache lives in a folder that
 * only this user can write: `$XDG_CACHE_HOME/meshroom/jiti` (else `~/.cache/meshroom/jiti`),
 * created 0700, and used only when it, and every folder above it, is safe: owned by this user
 * (or root), and writable by no one else (unless sticky, like /tmp, where others cannot rename
 * what is ours). Anything else and hooks are compiled in memory, every run.
 * `MESHROOM_NO_CACHE=1` turns the cache off.
 */
/** `unsafe`: a cache folder exists or was wanted but is not safe to use (worth a warning). */
export type CompileCache = { dir: string } | { dir: false; reason: string; unsafe: boolean };

/** The hook compile cache for this process (checked on each call: the caller keeps the answer). */
export function hookCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCache {
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
  const dir = join(base, "meshroom", "jiti");
  try {
    // mode applies to the folders mkdir creates; existing ones are checked below, never loosened
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return { dir: false, reason: `cannot create ${dir}: ${(e as Error).message}`, unsafe: true };
  }
  const problem = ownFolderProblem(dir, uid) ?? ancestorsProblem(dirname(dir), uid);
  return problem ? { dir: false, reason: problem, unsafe: true } : { dir };
}

/** Options of `createJiti` that select the cache: an explicit folder, or none. */
export function jitiCacheOptions(cache: CompileCache): { fsCache: string | false; rebuildFsCache: false } {
  return { fsCache: cache.dir, rebuildFsCache: false };
}

/**
 * Environment for a process meshroom starts that may compile TypeScript itself (a code mesh's
 * cdktf app, e.g. `npx jiti main.ts`): jiti's environment switch can only turn its cache off, not
 * move it, and Node's own compile cache also defaults to a shared temp folder.
 */
export const CHILD_COMPILE_CACHE_ENV: Readonly<Record<string, string>> = { JITI_FS_CACHE: "false", NODE_DISABLE_COMPILE_CACHE: "1" };

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
  if ((st.mode & 0o077) !== 0) {
    // others may have written there already: not used until it is recreated (meshroom makes it 0700)
    return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); remove it (rm -rf ${dir}) and meshroom recreates it private`;
  }
  return undefined;
}

/** Why a folder above the cache lets someone else replace it: owned by another user, or writable by others without the sticky bit. */
function ancestorsProblem(base: string, uid: number): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(base);
  } catch (e) {
    return `cannot resolve ${base}: ${(e as Error).message}`;
  }
  for (;;) {
    const st = lstatSync(dir);
    if (st.uid !== uid && st.uid !== 0) return `${dir} (above the compile cache) belongs to uid ${st.uid}, who could replace the cache`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${dir} (above the compile cache) is writable by other users`;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
