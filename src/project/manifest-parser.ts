import type { ZodType } from "zod";
import { InstanceConfigSchema, IntegrationFileSchema, PlugFileSchema, ProductDefinitionSchema } from "../model/schemas.js";
import { ProjectFileSchema } from "./project-file.js";
import type { ManifestKind, ManifestValue } from "./manifest-kinds.js";
import { readYamlFile, type ParsedYaml } from "./yaml-file.js";

/**
 * Parses and checks one manifest of a project. Loaded by the project loader on its first cache
 * miss only: this module pulls in yaml and zod, which a command served by the manifest cache
 * never needs.
 */
const SCHEMAS: { [K in ManifestKind]: ZodType<ManifestValue<K>> } = {
  project: ProjectFileSchema,
  product: ProductDefinitionSchema,
  integration: IntegrationFileSchema,
  instance: InstanceConfigSchema,
  plug: PlugFileSchema,
};

export function parseManifest<K extends ManifestKind>(kind: K, file: string, root: string): ParsedYaml<ManifestValue<K>> {
  return readYamlFile(file, SCHEMAS[kind] as ZodType<ManifestValue<K>>, root);
}
