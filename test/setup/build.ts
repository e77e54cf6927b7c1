/**
 * vitest globalSetup: makes sure dist/ (what `bin/meshroom.js` runs) is built from the current
 * sources before end-to-end tests drive the real binary. It rebuilds with `tsc -p .` and the
 * CLI bundle (scripts/bundle.js, what bin/meshroom.js imports) only when a source file is newer
 * than its compiled output or a compiled file newer than the bundle, so a fresh `npm test`
 * (which builds first) pays nothing. Type errors do not stop the build (tsc still emits); a
 * missing entry point does.
 * Many suites run the binary (test/cli, test/e2e, test/examples, …), so the freshness check
 * (a stat per source file) always runs. Skipped with MESHROOM_TEST_BUILD=never; forced with
 * MESHROOM_TEST_BUILD=always.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCE_DIRS = ["src", "constructs", "stacks", "bench"];
const ENTRY = join(ROOT, "dist/src/cli/main.js");
const BUNDLE = join(ROOT, "dist/cli/main.js");

function* sources(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.(ts|mts)$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name)) yield p;
  }
}

/** The first source whose compiled file is missing or older, or undefined when dist is fresh. */
export function staleSource(): string | undefined {
  if (!existsSync(ENTRY)) return "dist/src/cli/main.js (missing)";
  if (!existsSync(BUNDLE)) return "dist/cli/main.js (missing)";
  const bundled = statSync(BUNDLE).mtimeMs;
  for (const d of SOURCE_DIRS) {
    for (const src of sources(join(ROOT, d))) {
      const out = join(ROOT, "dist", relative(ROOT, src)).replace(/\.m?ts$/, ".js");
      if (!existsSync(out)) return relative(ROOT, src);
      const built = statSync(out).mtimeMs;
      if (built < statSync(src).mtimeMs) return relative(ROOT, src);
      if (built > bundled) return `dist/cli/ (older than ${relative(ROOT, out)})`;
    }
  }
  return undefined;
}

/** One build at a time across concurrent vitest runs (a lock directory, stale after 5 minutes). */
function withBuildLock(fn: () => void): void {
  const lock = join(ROOT, "dist", ".build-lock");
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`test build: ${lock} is held for too long; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    fn();
  } finally {
    rmdirSync(lock);
  }
}

export function ensureBuilt(): void {
  const mode = process.env.MESHROOM_TEST_BUILD;
  if (mode === "never") return;
  if (mode !== "always" && staleSource() === undefined) return;
  withBuildLock(() => {
    const why = mode === "always" ? "forced" : staleSource();
    if (why === undefined) return; // another run built it while we waited
    process.stderr.write(`[test setup] building dist/ (stale: ${why})…\n`);
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.json")], { cwd: ROOT, stdio: "pipe" });
    } catch (e) {
      // tsc exits non-zero on type errors but still emits; only a missing entry point is fatal
      const out = String((e as { stdout?: Buffer }).stdout ?? "");
      if (!existsSync(ENTRY)) throw new Error(`test build failed:\n${out}`);
      process.stderr.write(`[test setup] tsc reported type errors (dist/ was still emitted):\n${out.split("\n").slice(0, 10).join("\n")}\n`);
    }
    execFileSync(process.execPath, [join(ROOT, "scripts/bundle.js")], { cwd: ROOT, stdio: "pipe" });
  });
}

export default function setup(): void {
  ensureBuilt();
}
