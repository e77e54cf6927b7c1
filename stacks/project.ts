import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "../constructs/cdktf.js";
import { loadCatalogProject } from "./load-project.js";
import { yamlMeshStack } from "./yaml-mesh.js";

/**
 * The cdktf app of a YAML project: loads the project at `root` (default: the current
 * directory) into a MeshStack and synthesizes it into `outdir` (default: `$CDKTF_OUTDIR`,
 * else `cdktf.out`) — `manifest.json` and `stacks/mesh/cdk.tf.json`, as `cdktf synth` expects.
 * Problems of the mesh are thrown as the CLI's MeshroomError before cdktf writes anything.
 */
export async function synthYamlProject(root = ".", outdir?: string): Promise<{ outdir: string; stack: string; file: string }> {
  // YAML plugs carry their recorded resolution, so hooks need not be loaded (they cost more than the rest)
  const project = await loadCatalogProject(root);
  const app = new App({ ...(outdir !== undefined ? { outdir } : {}), stackTraces: false });
  const stack = yamlMeshStack(app, project);
  stack.checkMesh();
  app.synth();
  return { outdir: app.outdir, stack: stack.node.id, file: resolve(app.outdir, "stacks", stack.node.id, "cdk.tf.json") };
}

const isMain = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  synthYamlProject(process.argv[2] ?? ".").catch((e: unknown) => {
    const err = e as { message?: string; detail?: string };
    process.stderr.write(`meshroom: ${err.message ?? String(e)}${err.detail ? `\n${err.detail}` : ""}\n`);
    process.exitCode = 1;
  });
}
