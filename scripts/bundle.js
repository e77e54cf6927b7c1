// Second step of `npm run build` (after tsc): bundles the compiled CLI (dist/src/cli/main.js)
// into dist/cli/ with esbuild, so that starting `meshroom` resolves and compiles a few files
// instead of some 300 modules (our own and small dependencies such as commander and execa).
// Commands stay lazy: each `import()` of the sources becomes a chunk loaded only when that
// command runs (code splitting).
//
// Left as packages, loaded from node_modules when used: the heavy ones loaded lazily (cdktf and
// constructs, the provider generator, graphviz's wasm, openpgp, pg), jiti (it loads users' hook
// files at run time; they import `meshroom/hooks`, i.e. dist/src/hooks/api.js, whose registry
// lives on a global symbol, so the bundle's copy and theirs share it), and zod and yaml (needed
// only when a manifest is parsed: a warm manifest cache serves `list` and `plug` without them).
// Everything else the bundle needs is in it. The tsc output (dist/src, dist/constructs,
// dist/stacks) stays what the package exports (`meshroom/hooks`, `meshroom/constructs`, …).
import { build } from "esbuild";
import { renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");

export const EXTERNAL_PACKAGES = [
  "cdktf", "constructs", "@cdktf/provider-generator", "@hpcc-js/wasm-graphviz", "openpgp", "pg", "jiti", "zod", "yaml",
];

// built aside, then swapped in: the moment without a bundle (for a `meshroom` or a test starting
// meanwhile) is one rename, not the whole build
const staging = `${outdir}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, "dist", "src", "cli", "main.js") },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // the packages above and their subpaths (e.g. `zod/v4`)
  external: EXTERNAL_PACKAGES.flatMap((p) => [p, `${p}/*`]),
  // CommonJS dependencies (commander) call require() for Node's built-ins
  banner: { js: "import { createRequire as __meshroomCreateRequire } from 'node:module'; const require = __meshroomCreateRequire(import.meta.url);" },
  sourcemap: "linked",
  logLevel: "warning",
});
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
