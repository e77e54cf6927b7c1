import { join } from "node:path";
import type { IntegrationKey, Mode } from "../model/index.js";
import { integrationStem, plugFileStem } from "../model/index.js";

/** Where each part of a project lives on disk (10-project-and-cli.md). */
export const PROJECT_FILE = "meshroom.yaml";

export const paths = {
  projectFile: (root: string) => join(root, PROJECT_FILE),
  productsDir: (root: string) => join(root, "products"),
  instancesDir: (root: string) => join(root, "instances"),
  productDir: (root: string, product: string) => join(root, "products", product),
  definition: (root: string, product: string) => join(root, "products", product, "definition.yaml"),
  integrationsDir: (root: string, product: string) => join(root, "products", product, "integrations"),
  integrationDir: (root: string, product: string, target: string) => join(root, "products", product, "integrations", target),
  integrationFile: (root: string, product: string, target: string, key: IntegrationKey) =>
    join(root, "products", product, "integrations", target, `${integrationStem(key)}.yaml`),
  instanceDir: (root: string, product: string, instance: string) => join(root, "instances", product, instance),
  instanceConfig: (root: string, product: string, instance: string) => join(root, "instances", product, instance, "config.yaml"),
  plugsDir: (root: string, product: string, src: string) => join(root, "instances", product, src, "plugs"),
  plugFile: (root: string, product: string, src: string, dst: string, topic: string, mode: Mode) =>
    join(root, "instances", product, src, "plugs", dst, `${plugFileStem(topic, mode)}.yaml`),
  dotDir: (root: string) => join(root, ".meshroom"),
  mirrorsDir: (root: string, product: string) => join(root, "mirrors", product),
};
