import { execa } from "execa";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(REPO, "bin/meshroom.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp directory removed when the test file ends. */
export function tempDir(prefix = "mr-cli-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/**
 * Runs the real binary (`node bin/meshroom.js`), non-interactive: CI=true, stdin closed unless
 * `input` is given, no colours, a private config dir (so no real key is ever used). Never hangs:
 * a run longer than 20 s fails the test.
 */
export async function meshroom(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const cfg = tempDir("mr-cfg-");
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? tmpdir(),
    reject: false,
    timeout: 20_000,
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: cfg,
      XDG_CONFIG_HOME: join(cfg, "xdg"),
      GNUPGHOME: join(cfg, "gnupg"),
      CI: "true",
      NO_COLOR: "1",
      GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test",
      ...opts.env,
    },
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: "ignore" as const }),
  });
  if (r.timedOut) throw new Error(`meshroom ${args.join(" ")} timed out (a prompt waiting on a closed stdin?)`);
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs and expects exit 0, showing stderr otherwise. */
export async function ok(args: string[], opts: Parameters<typeof meshroom>[1] = {}): Promise<CliResult> {
  const r = await meshroom(args, opts);
  if (r.code !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** A fresh project made by `meshroom init`. */
export async function initProject(): Promise<string> {
  const root = join(tempDir(), "p");
  await ok(["init", root]);
  return root;
}

/** path → content of every file under root (skipping .git), to prove a command wrote nothing. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === ".git") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = `${statSync(p).mtimeMs}:${readFileSync(p, "utf8")}`;
    }
  };
  walk(root);
  return out;
}

export function read(root: string, rel: string): string {
  return readFileSync(join(root, rel), "utf8");
}

/** No stack trace lines ("    at foo (file:1:2)") in the text. */
export function hasStack(text: string): boolean {
  return /^\s+at .+[(:]\S+:\d+:\d+\)?$/m.test(text);
}
