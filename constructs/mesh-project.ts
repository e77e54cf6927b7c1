import type { CapabilityGraph } from "../src/capabilities/index.js";
import type { Product as ProductDef } from "../src/model/index.js";
import { bindingResourceType } from "../src/synth/provider-schema.js";

/**
 * What a `MeshStack` needs of a project: its capability graph (products, integrations and
 * the hooks that own them). The constructs never read disk: `stacks/` (or the engine)
 * loads the project and hands this over, e.g. `await loadMeshProject(".")` from
 * `meshroom/stacks`.
 */
export interface MeshProject {
  readonly graph: CapabilityGraph;
  /** The project directory, for messages. */
  readonly root?: string;
}

/**
 * The Terraform resource type of a product's typed binding (`meshroom get`):
 * `meshroom_<product>_instance`, with `.` written `_` (the generated class is then
 * `<Product>Instance`, e.g. `SiemLocalInstance`).
 */
export function productResourceType(product: string): string {
  return bindingResourceType(product);
}

/** Resource type → product, for every product of the graph whose type is unambiguous. */
export function productResourceTypes(products: Iterable<ProductDef>): Map<string, string> {
  const out = new Map<string, string>();
  const clash = new Set<string>();
  for (const p of products) {
    const t = productResourceType(p.name);
    if (out.has(t)) clash.add(t);
    out.set(t, p.name);
  }
  for (const t of clash) out.delete(t);
  return out;
}
