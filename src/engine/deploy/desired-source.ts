import type { Project } from "../../project/project.js";
import type { DesiredDocument } from "../../synth/index.js";
// not through synth/index.js, which loads zod (document.ts): a YAML mesh is built without it
import { projectToDocument } from "../../synth/project-document.js";
import { isMeshroomApp, readCdktfJson } from "./cdktf-json.js";
import { runMeshApp } from "./run-mesh-app.js";

export { readCdktfJson, isMeshroomApp, type CdktfJson } from "./cdktf-json.js";
export { runMeshApp, type MeshAppOutput } from "./run-mesh-app.js";

/**
 * The desired document of the project at `root`, the engine's only input about the mesh.
 * A YAML mesh (no cdktf.json, or meshroom's own app) is built in-process from the loaded
 * project, without loading cdktf (and without zod: the project was checked as it was loaded).
 * A code mesh (any other app: `npx tsx main.ts`, `node main.js`) is run as `cdktf synth`
 * would run it, and its `cdk.tf.json` is parsed.
 */
export async function desiredDocumentFor(root: string, opts: { project?: Project; signal?: AbortSignal } = {}): Promise<DesiredDocument> {
  const config = readCdktfJson(root);
  // built here from a project the loader has checked (trusted inside): not parsed again, which
  // cost as much as the rest of a no-op plan on 450 resources; a code mesh's output is parsed
  if (isMeshroomApp(config?.app)) return projectToDocument(opts.project ?? (await (await import("../../project/load.js")).loadProject(root)));
  return (await runMeshApp(root, config!, opts)).document;
}

