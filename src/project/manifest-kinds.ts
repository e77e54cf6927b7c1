import type { InstanceConfigRaw, IntegrationFileRaw, PlugFileRaw, ProductDefinitionRaw } from "../model/index.js";
import type { ProjectSettings } from "./project-file.js";

/** The manifests of a project, by kind, with the shape each has once checked. */
export interface ManifestValues {
  project: ProjectSettings;
  product: ProductDefinitionRaw;
  integration: IntegrationFileRaw;
  instance: InstanceConfigRaw;
  plug: PlugFileRaw;
}
export type ManifestKind = keyof ManifestValues;
export type ManifestValue<K extends ManifestKind> = ManifestValues[K];
