import { resolve } from "node:path";
import { installAppErrorHandler } from "../constructs/app-errors.js";
import type { MeshProject } from "../constructs/index.js";
import { buildCapabilityGraph } from "../src/capabilities/index.js";
import { loadProject } from "../src/project/load.js";
import type { Project } from "../src/project/project.js";

installAppErrorHandler();

/** A MeshProject that also carries the loaded YAML project (instances and plugs). */
export interface LoadedMeshProject extends MeshProject {
  readonly root: string;
  readonly project: Project;
}

/**
 * Loads the meshroom project at `root` with its hooks registered (not run), so plugs resolve
 * exactly as `meshroom plug` resolves them: `new MeshStack(app, "soc", { project: await loadMeshProject(".") })`.
 */
export async function loadMeshProject(root = "."): Promise<LoadedMeshProject> {
  const abs = resolve(root);
  const { loadMesh } = await import("../src/mesh/load-mesh.js");
  const mesh = await loadMesh(abs);
  return { root: abs, graph: mesh.graph, project: mesh.project };
}

/**
 * The project without its hooks (products and explicit integrations only; no hook file is
 * loaded). Enough for plugs that carry the resolution `meshroom plug` recorded (YAML plug
 * files), not for resolving new ones: hooks decide who owns a plug's sides.
 */
export async function loadCatalogProject(root = "."): Promise<LoadedMeshProject> {
  const abs = resolve(root);
  const project = await loadProject(abs);
  const graph = buildCapabilityGraph({ products: [...project.products.values()], integrations: project.integrations, hooks: [] });
  return { root: abs, graph, project };
}
