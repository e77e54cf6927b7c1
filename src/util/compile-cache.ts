import { privateCacheDir, type PrivateCache } from "./private-cache.js";

/**
 * Where compiled hook code (TypeScript transpiled by jiti) may be cached: the one policy for
 * every place meshroom compiles code (the hook loader, and the code-mesh app it runs).
 *
 * jiti's default cache is the shared `$TMPDIR/jiti`, and it only checks that the folder is
 * writable. Its file names (`<dir>-<file>.<md5(path)[:8]>.mjs`) and the trailing line it checks
 * (a hash of the source) can be computed offline, so anyone who creates that folder first can
 * plant a module that the next `meshroom validate` runs. So the cache lives in a folder that
 * only this user can write: `$XDG_CACHE_HOME/meshroom/jiti` (else `~/.cache/meshroom/jiti`),
 * a private cache folder (see private-cache.ts). Anything else and hooks are compiled in memory,
 * every run.
 * `MESHROOM_NO_CACHE=1` turns the cache off.
 */
export type CompileCache = PrivateCache;

/** The hook compile cache for this process (checked on each call: the caller keeps the answer). */
export function hookCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCache {
  return privateCacheDir("jiti", env, { what: "the compile cache" });
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
