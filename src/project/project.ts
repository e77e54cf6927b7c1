import type { ExplicitIntegration, Instance, Plug, Product } from "../model/index.js";
import type { HookFiles } from "./hook-files.js";
import type { ProjectSettings } from "./project-file.js";

/** A loaded meshroom project: everything on disk, parsed and checked, hooks not yet loaded. */
export interface Project {
  root: string;
  settings: ProjectSettings;
  products: Map<string, Product>;
  /** Explicit integrations, sorted by product, target, file name. */
  integrations: ExplicitIntegration[];
  instances: Map<string, Instance>;
  /** Plugs sorted by source, destination, topic, mode. */
  plugs: Plug[];
  /** The hook files of products and integrations, found while loading (not imported). */
  hookFiles: HookFiles;
}
