import { resolve } from "node:path";
import { buildCapabilityGraph, type CapabilityGraph } from "../capabilities/index.js";
import { loadHooks, type HookRegistry } from "../hooks/index.js";
import { loadProject } from "../project/load.js";
import type { Project } from "../project/project.js";

/** A project with its hooks registered (bodies not run) and its capability graph built. */
export interface LoadedMesh {
  project: Project;
  hooks: HookRegistry;
  graph: CapabilityGraph;
}

export async function loadMesh(dir: string): Promise<LoadedMesh> {
  const root = resolve(dir);
  const project = await loadProject(root);
  const products = [...project.products.values()];
  const hooks = await loadHooks({ root, products, integrations: project.integrations, files: project.hookFiles });
  const graph = buildCapabilityGraph({ products, integrations: project.integrations, hooks: hooks.descriptors() });
  return { project, hooks, graph };
}
