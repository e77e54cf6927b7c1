// The program meshroom runs for a code mesh whose cdktf.json app is `npx --no-install jiti FILE`
// (what `meshroom init --code` writes): `node jiti-app-main.js JITI_CJS CACHE FILE [args…]`.
// It does what the project's own jiti CLI (lib/jiti-cli.mjs) does, with one difference: jiti's
// file cache is meshroom's private compile cache (CACHE, checked by the parent with
// hookCompileCache(): owned by this user, mode 0700, no open folder above), or none (`-`).
// jiti's CLI can only use the shared `$TMPDIR/jiti`, where anyone can plant a compiled module,
// so it runs with its cache off and transpiles main.ts, the `.gen/` classes and every TypeScript
// file they import with Babel on each run (about half a second of CPU for the example).
// Built-ins only: this file is the whole of meshroom that the app's process loads itself.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

type CreateJiti = (id: string, opts: { fsCache: string | false; rebuildFsCache: boolean }) => {
  resolve(id: string): string;
  import(id: string): Promise<unknown>;
};

const [jitiEntry, cache, script] = process.argv.splice(2, 3);
if (!jitiEntry || !cache || !script) {
  console.error("usage: node jiti-app-main.js <jiti.cjs> <cache dir | -> <file> [arguments…]");
  process.exit(2);
}
// cdktf, which every code mesh imports, is required here first, as jiti would require it in a
// synchronous app: jiti then takes it from the require cache. Otherwise jiti import()s it (the app
// has top-level await), and Node scans the source of all ~80 files cdktf's index re-exports for
// export names before running it (cjs-module-lexer, about 100 ms of CPU). Same module, same
// instance; an app that cannot resolve cdktf from its folder is left to fail (or not) on its own.
try {
  createRequire(join(process.cwd(), "_.js"))("cdktf");
} catch {
  // not installed here: the app's own import reports it
}
const { createJiti } = (await import(pathToFileURL(jitiEntry).href)) as { createJiti: CreateJiti };
const jiti = createJiti(process.cwd(), { fsCache: cache === "-" ? false : cache, rebuildFsCache: false });
// as jiti's CLI: the program sees `node FILE [args…]`
const resolved = (process.argv[1] = jiti.resolve(resolve(process.cwd(), script)));
await jiti.import(resolved).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
