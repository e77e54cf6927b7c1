import { resolve } from "node:path";
import { buildCapabilityGraph, type CapabilityGraph } from "../capabilities/index.js";
import { loadHooks, type HookRegistry } from "../hooks/index.js";
import { loadProject } from "../project/load.js";
import type { Project } from "../project/project.js";

/** A project with its hooks registered (bodies not run; all, or those `hooksOf` names) and its capability graph built. */
export interface LoadedMesh {
  project: Project;
  hooks: HookRegistry;
  graph: CapabilityGraph;
}

export interface LoadMeshOptions {
  /**
   * Only the hooks of these products are loaded (their files imported); others' are left out.
   * For a command about two products, such as `plug`: what links them depends on their own
   * hooks only, and a broken hook file elsewhere does not stop it.
   */
  hooksOf?: (project: Project) => readonly string[];
}

export async function loadMesh(dir: string, opts: LoadMeshOptions = {}): Promise<LoadedMesh> {
  const root = resolve(dir);
  const project = await loadProject(root);
  const products = [...project.products.values()];
  const scope = opts.hooksOf ? new Set(opts.hooksOf(project)) : undefined;
  const hooks = await loadHooks({
    root,
    products: scope ? products.filter((p) => scope.has(p.name)) : products,
    integrations: scope ? project.integrations.filter((i) => scope.has(i.product)) : project.integrations,
    files: project.hookFiles,
  });
  const graph = buildCapabilityGraph({ products, integrations: project.integrations, hooks: hooks.descriptors() });
  return { project, hooks, graph };
}
