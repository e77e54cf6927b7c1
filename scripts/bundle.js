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
// zod and yaml are bundled on their own, one file each (dist/cli/vendor/zod.js, yaml.js), which
// the chunks import where they imported the package: still loaded only by the commands that need
// them, but as one module each instead of a hundred files resolved one by one (zod's alone cost a
// no-op plan some 60 ms of CPU to resolve and compile). Everything else the bundle needs is in
// it. The tsc output (dist/src, dist/constructs, dist/stacks) stays what the package exports
// (`meshroom/hooks`, `meshroom/constructs`, …).
import { build } from "esbuild";
import { renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");

export const EXTERNAL_PACKAGES = [
  "cdktf", "constructs", "@cdktf/provider-generator", "@hpcc-js/wasm-graphviz", "openpgp", "pg", "jiti",
];
/** Packages bundled into a file of their own under vendor/ (imported by the chunks by that path). */
export const VENDORED_PACKAGES = ["zod", "yaml"];

// built aside, then swapped in: the moment without a bundle (for a `meshroom` or a test starting
// meanwhile) is one rename, not the whole build
const staging = `${outdir}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
};
// zod's messages in other languages (`z.locales`, half of its 760 KB, compiled by every command
// that loads zod) are left out: meshroom never selects one, and its own messages are English
const englishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({ contents: 'export { default as en } from "./en.js";', loader: "js", resolveDir: dirname(args.path) }));
  },
};
await build({
  ...common,
  // "neutral": their ES module builds (yaml's `node` export is CommonJS, which esbuild would hand
  // on as a default export only); neither uses a Node built-in
  platform: "neutral",
  entryPoints: Object.fromEntries(VENDORED_PACKAGES.map((p) => [join("vendor", p), p])),
  outdir: staging,
  plugins: [englishOnly],
});
/** `zod` → `./vendor/zod.js`: every chunk sits in the bundle's top folder, next to vendor/. */
const vendored = {
  name: "vendored",
  setup(b) {
    const filter = new RegExp(`^(${VENDORED_PACKAGES.join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};
await build({
  ...common,
  entryPoints: { main: join(root, "dist", "src", "cli", "main.js") },
  outdir: staging,
  splitting: true,
  // CommonJS dependencies (commander) call require() for Node's built-ins
  banner: { js: "import { createRequire as __meshroomCreateRequire } from 'node:module'; const require = __meshroomCreateRequire(import.meta.url);" },
  // the packages above and their subpaths (e.g. `cdktf/lib/…`)
  external: EXTERNAL_PACKAGES.flatMap((p) => [p, `${p}/*`]),
  plugins: [vendored],
});
rmSync(outdir, { recursive: true, force: true });
renameSync(staging, outdir);
