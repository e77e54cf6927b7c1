// Helpers of the vendor-catalog tests: local bare git repositories stand in for a vendor's
// catalog and a contributor's fork (no network), and the built CLI runs on temp projects.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, execaSync, type Result } from "execa";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(REPO, "bin", "meshroom.js");
export const EXAMPLE = join(REPO, "examples", "vendor-catalog");

/** A git identity and no prompts, so commits work on any machine and nothing waits for input. */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: "Catalog Test", GIT_AUTHOR_EMAIL: "catalog@test.invalid",
  GIT_COMMITTER_NAME: "Catalog Test", GIT_COMMITTER_EMAIL: "catalog@test.invalid",
  GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1",
};

export function assertBuilt(): void {
  if (!existsSync(join(REPO, "dist", "src", "cli", "main.js"))) throw new Error("dist/ is missing: run `npx tsc -p .` before these tests");
}

export type CliResult = Result<{ reject: false }>;

export async function meshroom(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return (await execa("node", [BIN, ...args], {
    cwd, reject: false, input: "", timeout: 60_000, extendEnv: true,
    env: { NO_COLOR: "1", CI: "1", ...GIT_ENV, ...env },
  })) as CliResult;
}

export async function ok(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await meshroom(cwd, args, env);
  if (r.exitCode !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Runs git synchronously and returns its stdout (throws with stderr on failure). */
export function git(args: readonly string[], cwd: string): string {
  return execaSync("git", [...args], { cwd, env: GIT_ENV, extendEnv: true }).stdout;
}

/** A scratch folder with a bare catalog repository seeded from examples/vendor-catalog/products. */
export class CatalogWorld {
  readonly base = mkdtempSync(join(tmpdir(), "meshroom-catalog-"));
  readonly catalog = join(this.base, "catalog.git");
  /** The vendor's working clone, used to change the catalog. */
  readonly checkout = join(this.base, "checkout");

  constructor() {
    git(["init", "--quiet", "--bare", "--initial-branch=main", this.catalog], this.base);
    git(["clone", "--quiet", this.catalog, this.checkout], this.base);
    cpSync(join(EXAMPLE, "products"), join(this.checkout, "products"), { recursive: true });
    this.commitCatalog("seed the catalog");
  }

  path(rel: string): string {
    return join(this.base, rel);
  }

  /** Commits everything in the checkout and pushes it to the catalog's main. */
  commitCatalog(message: string): void {
    git(["add", "-A"], this.checkout);
    git(["commit", "--quiet", "-m", message], this.checkout);
    git(["push", "--quiet", "origin", "HEAD:main"], this.checkout);
  }

  /** A bare clone of the catalog, as a contributor's fork. */
  fork(name = "fork.git"): string {
    const dir = join(this.base, name);
    git(["clone", "--quiet", "--bare", this.catalog, dir], this.base);
    return dir;
  }

  /** `meshroom init NAME` in the scratch folder. */
  async project(name: string): Promise<string> {
    await ok(this.base, ["init", name]);
    return join(this.base, name);
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** The fenced ```bash blocks of a markdown text, in order. */
export function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}
