import type { Construct } from "constructs";
import type { MeshroomError } from "../src/errors/index.js";
import { instanceResourceId } from "../src/synth/ids.js";
import { INSTANCE, PRODUCT, brand, hasBrand } from "./brand.js";
import { TerraformElement } from "./cdktf.js";
import { problemError } from "./instance-input.js";
import { MeshStack } from "./mesh-stack.js";
import type { Product } from "./product.js";

export interface InstanceProps {
  /** The product (name or `mesh.product(...)`). */
  readonly product: string | Product;
  /** Non-secret settings as values; secret ones as `Secret.fromStore("name")`. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/**
 * One tenant of a product; the construct id is the instance name. Synthesizes a
 * `meshroom_instance` resource (the stack adds its `secret_refs`).
 */
export class Instance extends TerraformElement {
  readonly instanceName: string;
  readonly productName: string;
  readonly settings: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, name: string, props: InstanceProps) {
    super(scope, name, "meshroom_instance");
    brand(this, INSTANCE);
    this.instanceName = name;
    const product: unknown = props?.product;
    this.productName = typeof product === "string" ? product : hasBrand(product, PRODUCT) ? (product as Product).productName : String(product);
    this.settings = { ...(props?.settings ?? {}) };
    this.node.addValidation({ validate: () => this.meshErrors().map(errorText) });
  }

  static isInstance(x: unknown): x is Instance {
    return hasBrand(x, INSTANCE);
  }

  /** `meshroom_instance.<id>`, what plugs list in `depends_on`. */
  get resourceAddress(): string {
    return `meshroom_instance.${instanceResourceId(this.instanceName)}`;
  }

  /** What is wrong with this instance, by the YAML loader's rules, as the CLI would say it. */
  meshErrors(): MeshroomError[] {
    return MeshStack.of(this).problemsOf(this).map((p) => problemError(this.node.path, p));
  }

  override toTerraform(): Record<string, unknown> {
    return {
      resource: {
        meshroom_instance: {
          [instanceResourceId(this.instanceName)]: {
            name: this.instanceName,
            product: this.productName,
            settings: { ...this.settings },
            secret_refs: [],
            depends_on: [],
          },
        },
      },
    };
  }
}

/** A MeshroomError as one validation line: the message, then its detail. */
export function errorText(e: MeshroomError): string {
  return e.detail ? `${e.message}\n${e.detail}` : e.message;
}
