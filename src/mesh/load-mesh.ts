import { resolve } from "node:path";
import { buildCapabilityGraph, type CapabilityGraph } from "../capabilities/index.js";
import { loadHooks, type HookRegistry } from "../hooks/index.js";
import { loadProject } from "../project/load.js";
import type { ProductTrust } from "../project/product-trust.js";
import type { Project } from "../project/project.js";
import { untrustedError, untrustedIn, withoutHookFilesOf } from "./trust.js";

/** A project with its hooks registered (bodies not run; all, or those `hooksOf` names) and its capability graph built. */
export interface LoadedMesh {
  project: Project;
  hooks: HookRegistry;
  graph: CapabilityGraph;
  /** Products whose hook files were not loaded because they are not trusted (only with `untrusted: "skip"`). */
  notLoaded: ProductTrust[];
}

export interface LoadMeshOptions {
  /**
   * Only the hooks of these products are loaded (their files imported); others' are left out.
   * For a command about two products, such as `plug`: what links them depends on their own
   * hooks only, and a broken hook file elsewhere does not stop it.
   */
  hooksOf?: (project: Project) => readonly string[];
  /**
   * What to do when a product whose hooks would be loaded is not trusted (meshroom.lock):
   * "refuse" (default; commands that run hooks) throws E_UNTRUSTED naming `meshroom trust P`;
   * "skip" (commands that only list or validate) loads everything else and reports the
   * products left out in `notLoaded`. Importing a hook file runs its top level, so an
   * untrusted one is never imported.
   */
  untrusted?: "refuse" | "skip";
  /** The project at `dir`, already loaded without any problem (e.g. by the command, to find missing values): not loaded again. */
  project?: Project;
}

export async function loadMesh(dir: string, opts: LoadMeshOptions = {}): Promise<LoadedMesh> {
  const root = resolve(dir);
  const project = opts.project ?? (await loadProject(root));
  const products = [...project.products.values()];
  const scope = opts.hooksOf ? new Set(opts.hooksOf(project)) : undefined;
  const notLoaded = untrustedIn(project, scope ? [...scope] : undefined);
  if (notLoaded.length > 0 && (opts.untrusted ?? "refuse") === "refuse") throw untrustedError(notLoaded);
  const hooks = await loadHooks({
    root,
    products: scope ? products.filter((p) => scope.has(p.name)) : products,
    integrations: scope ? project.integrations.filter((i) => scope.has(i.product)) : project.integrations,
    files: withoutHookFilesOf(project.hookFiles, new Set(notLoaded.map((t) => t.product))).files,
  });
  const graph = buildCapabilityGraph({ products, integrations: project.integrations, hooks: hooks.descriptors() });
  return { project, hooks, graph, notLoaded };
}
