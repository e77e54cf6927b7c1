import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { runCommand } from "../../exec/index.js";
import { writeFileAtomicSync as writeFileAtomic } from "../../util/atomic-write.js";
import { PACKAGE_ROOT, VERSION } from "../../util/version.js";
import { cdktfJsonText } from "./cdktf-json-text.js";

/**
 * What `meshroom init --code` adds to a project: the mesh as a TypeScript program (`main.ts`),
 * run by `cdktf.json`'s app through jiti; a `package.json` with what that program needs; and
 * meshroom itself as a tarball packed from the meshroom that ran `init` (`vendor/`): a package
 * named `meshroom` on the public npm registry is someone else's, so the project never asks
 * npm for that name.
 */
export const CODE_APP = "npx --no-install jiti main.ts";

export const CODE_CDKTF_JSON = cdktfJsonText(CODE_APP, "main.ts");

const MAIN_TS = `// The mesh of this project, in TypeScript. \`meshroom synth\`, \`meshroom plan\` and
// \`cdktf synth\` run this file; the products come from ./products (YAML, with their hooks).
//
// 1. a product: \`npx meshroom create product siem --from siem\`
// 2. typed classes for the products: \`npx meshroom get\` (writes .gen/)
// 3. instances and plugs, e.g.
//      import { SiemInstance } from "./.gen/providers/meshroom/siem-instance/index.js";
//      const siem = new SiemInstance(mesh, "siem", { apiUrl: "https://siem.example" });
//      new Plug(mesh, "edr-to-siem", { topic: "events", src: edr, dst: siem });
//    secret settings take Secret.fromStore("name"), never a value.
// 4. \`npx tsc\` type-checks it; \`npx meshroom plan\` shows what would change.
import { App } from "cdktf";
import { MeshStack } from "meshroom/constructs";
import { loadMeshProject } from "meshroom/stacks";

const app = new App();
const mesh = new MeshStack(app, "mesh", { project: await loadMeshProject(".") });
void mesh; // your instances and plugs go here

app.synth();
`;

const TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2023"], types: ["node"],
      strict: true, skipLibCheck: true, noEmit: true,
    },
    include: ["main.ts", ".gen/**/*.ts"],
  },
  null,
  2,
) + "\n";

export const CODE_README = `
## The mesh is code

\`main.ts\` declares the instances and plugs (CDKTF constructs from \`meshroom/constructs\`);
\`products/\` holds the products they use. Set it up once with \`npm install\` (meshroom comes
from \`vendor/\`, never from the npm registry: the \`meshroom\` package there is another project).

    npx meshroom get        # typed classes for the products → .gen/
    npx tsc                 # a wrong setting name or type is a compile error
    npx meshroom synth      # cdktf.out/stacks/mesh/cdk.tf.json (every setting checked)
    npx meshroom plan       # then: npx meshroom apply

\`npx -p cdktf-cli@0.21.0 cdktf synth\` writes the same file (the \`cdktf\` package has no
binary). There is no Terraform provider for meshroom: \`terraform\`, \`cdktf diff\` and \`cdktf
deploy\` do not work on the output; \`meshroom plan\` and \`meshroom apply\` replace them.
`;

/** Versions of what main.ts needs, taken from this meshroom's own package.json so they match it. */
function packageJson(name: string, tarball: string): string {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>; devDependencies: Record<string, string>;
  };
  const pick = (from: Record<string, string>, names: string[]) => Object.fromEntries(names.map((n) => [n, from[n] ?? "*"]));
  return JSON.stringify({
    name: name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "mesh",
    private: true,
    type: "module",
    scripts: { get: "meshroom get", synth: "meshroom synth", plan: "meshroom plan", typecheck: "tsc" },
    dependencies: { ...pick(own.dependencies, ["cdktf", "constructs", "jiti"]), meshroom: `file:${tarball}` },
    devDependencies: pick(own.devDependencies, ["typescript", "@types/node"]),
  }, null, 2) + "\n";
}

/**
 * Writes the code-mesh files into a freshly scaffolded project and packs this meshroom into its
 * `vendor/`; returns the paths written, relative to the project.
 */
export async function scaffoldCodeMesh(root: string, name: string): Promise<string[]> {
  const vendor = join(root, "vendor");
  mkdirSync(vendor, { recursive: true });
  let packed: string;
  try {
    const r = await runCommand("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", vendor, PACKAGE_ROOT], { cwd: root, timeoutMs: 120_000 });
    packed = r.stdout.trim().split("\n").pop() ?? "";
  } catch (e) {
    throw new MeshroomError("E_EXEC", `could not pack meshroom ${VERSION} into ${vendor}: ${(e as Error).message.split("\n")[0]}`, {
      detail: `\`npm\` must be on PATH; or pack it yourself: \`npm pack ${PACKAGE_ROOT}\` and \`npm install <the .tgz>\` in the project`,
    });
  }
  if (!/^meshroom-.+\.tgz$/.test(packed)) throw new MeshroomError("E_EXEC", `npm pack wrote an unexpected file name: ${JSON.stringify(packed)}`);
  writeFileAtomic(join(root, "package.json"), packageJson(name, `vendor/${packed}`));
  writeFileAtomic(join(root, "main.ts"), MAIN_TS);
  writeFileAtomic(join(root, "tsconfig.json"), TSCONFIG);
  writeFileAtomic(join(root, "cdktf.json"), CODE_CDKTF_JSON);
  return [join("vendor", packed), "package.json", "main.ts", "tsconfig.json", "cdktf.json"];
}
