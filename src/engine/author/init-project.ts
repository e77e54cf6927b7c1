import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { writeFileAtomicSync as writeFileAtomic } from "../../util/atomic-write.js";
import { isProjectDir } from "../../project/load.js";
import { PROJECT_FILE } from "../../project/paths.js";
import { runCommand } from "../../exec/index.js";
import { CODE_README, scaffoldCodeMesh } from "./code-mesh-scaffold.js";
import { cdktfJsonText } from "./cdktf-json-text.js";

export interface InitResult {
  root: string;
  created: boolean;
  /** True when the directory was a git repository with files of its own (kept). */
  adopted: boolean;
  gitInitialized: boolean;
  /** True when `--commit` made a commit of what init wrote. */
  committed: boolean;
  warnings: string[];
}

/**
 * The local state (and its backup and errored copies) stays out of git: hook outputs are
 * recorded there, and the team shares state through a backend (pg), not through commits.
 * `secrets.gpg.lock` is held by a writer of the secrets store for a moment.
 * `.meshroom/` holds the lock, the other workspaces' state, run files and caches.
 */
const GITIGNORE = `# meshroom: local state, run files, caches and scratch space
meshroom.state.json
meshroom.state.json.backup
meshroom.state.errored.json
secrets.gpg.lock*
.meshroom/
mirrors/
cdktf.out/
.gen/
node_modules/
`;

const PROJECT_YAML = `# meshroom project settings.
# The state backend: the local JSON file (default) or PostgreSQL for teams:
#   backend: { type: pg, conn_str_env: MESHROOM_PG_CONN_STR }
backend:
  type: local
# Hook code of products that came from outside (import-products, pull) runs only once trusted:
# \`meshroom trust PRODUCT\` records it in meshroom.lock (commit that file). To require the same
# for every product, the project's own included:
#   trust: all
`;

const CDKTF_JSON = cdktfJsonText("npx --no-install meshroom synth --cdktf-app", "`meshroom synth`");

function readme(name: string): string {
  return `# ${name}

A cybersecurity mesh managed with meshroom.

- \`products/\` capability sheets and hooks of each product
- \`instances/\` the tenants of this mesh and their plugs
- \`secrets.gpg\` encrypted secrets (shared with the keys in \`recipients/\`)

Review changes with \`meshroom plan\`, make them real with \`meshroom apply\`.
`;
}

export interface InitOptions {
  /** Commit what init wrote as the repository's next commit (`git add` + `git commit` of those paths only). */
  commit?: boolean;
  /** The mesh is a TypeScript program (code-mesh-scaffold.ts) instead of YAML files under `instances/`. */
  code?: boolean;
}

/**
 * Scaffolds a project and `git init`s it; a no-op on an existing project. A directory that is
 * already a git repository (e.g. a fresh clone with a README) is adopted: its files are kept,
 * a README.md or .gitignore of its own stays (the .gitignore gains the lines meshroom needs).
 * Any other non-empty directory is refused. With `code`, the mesh is a TypeScript program
 * (package.json, main.ts, tsconfig.json, meshroom packed into vendor/).
 */
export async function initProject(path: string, opts: InitOptions = {}): Promise<InitResult> {
  const root = resolve(path);
  let adopted = false;
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) throw new MeshroomError("E_DIR_NOT_EMPTY", `${root} exists and is not a directory`);
    if (isProjectDir(root)) return { root, created: false, adopted: false, gitInitialized: false, committed: false, warnings: [] };
    const entries = readdirSync(root).filter((e) => e !== ".git");
    adopted = entries.length > 0;
    if (adopted && !existsSync(join(root, ".git"))) {
      throw new MeshroomError("E_DIR_NOT_EMPTY", `${root} is not empty and is not a meshroom project`, {
        detail: "choose an empty or new directory for `meshroom init`, or a git repository (e.g. a fresh clone): its files are kept",
      });
    }
  }
  if (opts.code && adopted) {
    const own = ["package.json", "main.ts", "tsconfig.json"].filter((f) => existsSync(join(root, f)));
    if (own.length > 0) {
      throw new MeshroomError("E_DIR_NOT_EMPTY", `${root} already has ${own.join(", ")}: \`meshroom init --code\` would overwrite them`, {
        detail: "run it in an empty directory or a repository without them, then move your files in",
      });
    }
  }
  const written: string[] = [];
  const write = (rel: string, text: string, keep: boolean) => {
    if (keep && existsSync(join(root, rel))) return;
    writeFileAtomic(join(root, rel), text);
    written.push(rel);
  };
  for (const d of ["products", "instances", "recipients", ".meshroom"]) mkdirSync(join(root, d), { recursive: true });
  for (const d of ["products", "instances", "recipients"]) if (readdirSync(join(root, d)).length === 0) write(join(d, ".gitkeep"), "", false);
  write(PROJECT_FILE, PROJECT_YAML, false);
  write(".gitignore", mergedGitignore(root), false);
  write("cdktf.json", CDKTF_JSON, true);
  const name = root.split("/").pop() || "mesh";
  write("README.md", readme(name) + (opts.code ? CODE_README : ""), true);
  if (opts.code) written.push(...(await scaffoldCodeMesh(root, name)));
  const warnings: string[] = [];
  let gitInitialized = false;
  if (!existsSync(join(root, ".git"))) {
    try {
      await runCommand("git", ["init", "-q"], { cwd: root, timeoutMs: 20_000 });
      gitInitialized = true;
    } catch (e) {
      warnings.push(`git init failed (${(e as Error).message.split("\n")[0]}); the project works without git, but sharing it needs one`);
    }
  }
  if (opts.commit) await commitInit(root, written);
  return { root, created: true, adopted, gitInitialized, committed: opts.commit === true, warnings };
}

/** The repository's own .gitignore with meshroom's lines it lacks appended (or meshroom's alone). */
function mergedGitignore(root: string): string {
  const file = join(root, ".gitignore");
  if (!existsSync(file)) return GITIGNORE;
  const own = readFileSync(file, "utf8");
  const have = new Set(own.split("\n").map((l) => l.trim()));
  const missing = GITIGNORE.split("\n").filter((l) => l !== "" && !l.startsWith("#") && !have.has(l));
  if (missing.length === 0) return own;
  return `${own}${own.endsWith("\n") || own === "" ? "" : "\n"}\n${GITIGNORE.split("\n")[0]}\n${missing.join("\n")}\n`;
}

/**
 * `init --commit`: stages exactly the files init wrote and commits only those paths, so whatever
 * else the user had staged stays out of this commit.
 */
async function commitInit(root: string, paths: string[]): Promise<void> {
  const git = (args: string[]) => runCommand("git", args, { cwd: root, timeoutMs: 30_000 });
  try {
    await git(["add", "--", ...paths]);
    await git(["commit", "-q", "-m", "meshroom init", "--only", "--", ...paths]);
  } catch (e) {
    const why = (e as Error).message.split("\n").filter((l) => l.trim() !== "").slice(-3).join(" ");
    throw new MeshroomError("E_EXEC", `The project was created in ${root}, but \`git commit\` failed: ${why}`, {
      detail: /identity|user\.email|user\.name/i.test(why)
        ? 'Tell git who you are (`git config --global user.name "Your Name"` and `git config --global user.email you@example.com`), then run `git commit -m "meshroom init"` in the project.'
        : "Fix the repository, then run `git add -A && git commit -m \"meshroom init\"` in the project.",
      cause: e,
    });
  }
}
