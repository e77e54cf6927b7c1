import { Construct } from "constructs";
import type { ExplicitIntegration, IntegrationRef } from "../src/model/index.js";
import { integrationStem } from "../src/model/index.js";
import { INTEGRATION, brand, hasBrand } from "./brand.js";

/**
 * An explicit integration of a product (one side of an interop, with its plug settings and
 * hooks). Renders nothing; plugs record which integrations serve them.
 */
export class Integration extends Construct {
  readonly definition: ExplicitIntegration;

  constructor(scope: Construct, definition: ExplicitIntegration) {
    super(scope, `${definition.target}~${integrationStem(definition)}`);
    brand(this, INTEGRATION);
    this.definition = definition;
  }

  static isIntegration(x: unknown): x is Integration {
    return hasBrand(x, INTEGRATION);
  }

  /** The reference a plug keeps to this integration. */
  get ref(): IntegrationRef {
    const d = this.definition;
    const ref: IntegrationRef = { product: d.product, target: d.target, topic: d.topic, role: d.role, mode: d.mode, explicit: true };
    if (d.format !== undefined) ref.format = d.format;
    return ref;
  }
}
