import { Construct } from "constructs";
import type { Capability, ExplicitIntegration, Product as ProductDef, SettingDef } from "../src/model/index.js";
import { PRODUCT, brand, hasBrand } from "./brand.js";
import { Integration } from "./integration.js";

/**
 * A product of the mesh's capability graph (its definition.yaml, with the capabilities its
 * hooks imply). Renders nothing: products are the vocabulary instances and plugs use.
 * Get one with `mesh.product("siem_local")`.
 */
export class Product extends Construct {
  readonly definition: ProductDef;
  readonly capabilities: readonly Capability[];
  private readonly _integrations: Integration[] = [];

  constructor(scope: Construct, definition: ProductDef, capabilities: readonly Capability[], explicit: readonly ExplicitIntegration[]) {
    super(scope, definition.name);
    brand(this, PRODUCT);
    this.definition = definition;
    this.capabilities = capabilities;
    for (const def of explicit) this._integrations.push(new Integration(this, def));
  }

  static isProduct(x: unknown): x is Product {
    return hasBrand(x, PRODUCT);
  }

  get productName(): string {
    return this.definition.name;
  }

  get settings(): readonly SettingDef[] {
    return this.definition.settings;
  }

  /** The product's explicit integrations (YAML files under its `integrations/`). */
  get integrations(): readonly Integration[] {
    return this._integrations;
  }

  setting(name: string): SettingDef | undefined {
    return this.definition.settings.find((s) => s.name === name);
  }
}
