import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { writeFileAtomicSync as writeFileAtomic } from "../../util/atomic-write.js";
import { isProjectDir } from "../../project/load.js";
import { PROJECT_FILE } from "../../project/paths.js";
import { runCommand } from "../../exec/index.js";
import { CODE_README, scaffoldCodeMesh } from "./code-mesh-scaffold.js";

export interface InitResult {
  root: string;
  created: boolean;
  gitInitialized: boolean;
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

const CDKTF_JSON = JSON.stringify(
  {
    "//": "`cdktf synth` runs `meshroom synth` and writes cdktf.out/stacks/mesh/cdk.tf.json, meshroom's desired document. There is no Terraform provider for meshroom: terraform validate/plan/apply, `cdktf diff` and `cdktf deploy` do not work on it; review and apply the mesh with `meshroom plan` and `meshroom apply`.",
    language: "typescript",
    app: "npx --no-install meshroom synth --cdktf-app",
    output: "cdktf.out",
    codeMakerOutput: ".gen",
    terraformProviders: [],
    terraformModules: [],
    context: {},
  },
  null,
  2,
) + "\n";

function readme(name: string): string {
  return `# ${name}

A cybersecurity mesh managed with meshroom.

- \`products/\` capability sheets and hooks of each product
- \`instances/\` the tenants of this mesh and their plugs
- \`secrets.gpg\` encrypted secrets (shared with the keys in \`recipients/\`)

Review changes with \`meshroom plan\`, make them real with \`meshroom apply\`.
`;
}

/**
 * Scaffolds a project and `git init`s it; a no-op on an existing project. With `code`, the mesh
 * is a TypeScript program (code-mesh-scaffold.ts) instead of YAML files under `instances/`.
 */
export async function initProject(path: string, opts: { code?: boolean } = {}): Promise<InitResult> {
  const root = resolve(path);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) throw new MeshroomError("E_DIR_NOT_EMPTY", `${root} exists and is not a directory`);
    if (isProjectDir(root)) return { root, created: false, gitInitialized: false, warnings: [] };
    const entries = readdirSync(root).filter((e) => e !== ".git");
    if (entries.length > 0) {
      throw new MeshroomError("E_DIR_NOT_EMPTY", `${root} is not empty and is not a meshroom project`, {
        detail: "choose an empty or new directory for `meshroom init`",
      });
    }
  }
  for (const d of ["products", "instances", "recipients", ".meshroom"]) mkdirSync(join(root, d), { recursive: true });
  for (const d of ["products", "instances", "recipients"]) writeFileAtomic(join(root, d, ".gitkeep"), "");
  writeFileAtomic(join(root, PROJECT_FILE), PROJECT_YAML);
  writeFileAtomic(join(root, ".gitignore"), GITIGNORE);
  writeFileAtomic(join(root, "cdktf.json"), CDKTF_JSON);
  const name = root.split("/").pop() || "mesh";
  writeFileAtomic(join(root, "README.md"), readme(name) + (opts.code ? CODE_README : ""));
  if (opts.code) await scaffoldCodeMesh(root, name);
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
  return { root, created: true, gitInitialized, warnings };
}
