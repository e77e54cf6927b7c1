// End-to-end helpers: drive the built CLI (`node bin/meshroom.js`) as a real process on
// throwaway projects under the OS temp dir (outside the repo, so no node_modules is found).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type Result } from "execa";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(REPO, "bin", "meshroom.js");

/** Fails early with the fix when the CLI was not built (e2e tests run the compiled dist/). */
export function assertBuilt(): void {
  if (!existsSync(join(REPO, "dist", "src", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npx tsc -p .` (or `npm test`, which builds) before the e2e tests");
  }
}

export interface RunOptions {
  input?: string;
  /** Kill the process after this many ms (a test guard, not a feature under test). */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export type CliResult = Result<{ reject: false }>;

/** Runs `meshroom ARGS` in `cwd`; never throws on a non-zero exit. */
export async function meshroom(cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return (await execa("node", [BIN, ...args], {
    cwd,
    reject: false,
    input: opts.input ?? "",
    timeout: opts.timeoutMs ?? 30_000,
    env: { NO_COLOR: "1", CI: "1", ...opts.env },
    extendEnv: true,
    stripFinalNewline: false,
  })) as CliResult;
}

/** A temp meshroom project made with the real CLI; tests write YAML and hook files into it. */
export class E2EProject {
  readonly root: string;
  private readonly base: string;

  private constructor(base: string) {
    this.base = base;
    this.root = join(base, "proj");
  }

  /**
   * `meshroom init` + `meshroom create product` for each product; each definition.yaml is then
   * replaced by the given YAML body and the starter hooks.ts removed (tests write their own).
   */
  static async create(products: Record<string, string>): Promise<E2EProject> {
    assertBuilt();
    const p = new E2EProject(mkdtempSync(join(tmpdir(), "meshroom-e2e-")));
    await p.ok(["init", p.root], p.base);
    for (const [name, yaml] of Object.entries(products)) {
      await p.ok(["create", "product", name]);
      p.write(`products/${name}/definition.yaml`, `name: ${name}\n${yaml}`);
      rmSync(p.path(`products/${name}/hooks.ts`), { force: true });
    }
    return p;
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  write(rel: string, text: string): string {
    const f = this.path(rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
    return f;
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  remove(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  /** Lines of a file the hooks append to (empty when it does not exist). */
  lines(rel: string): string[] {
    return this.exists(rel) ? this.read(rel).split("\n").filter((l) => l !== "") : [];
  }

  run(args: readonly string[], opts?: RunOptions): Promise<CliResult> {
    return meshroom(this.root, args, opts);
  }

  /** Runs and asserts exit 0, with the output in the error when it is not. */
  async ok(args: readonly string[], cwd: string = this.root, opts?: RunOptions): Promise<CliResult> {
    const r = await meshroom(cwd, args, opts);
    if (r.exitCode !== 0) {
      throw new Error(`meshroom ${args.join(" ")} exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r;
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
