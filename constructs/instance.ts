import type { Construct } from "constructs";
import { TerraformElement } from "cdktf";
import { MeshroomError } from "../src/errors/index.js";
import { checkSettingValue, isValidName } from "../src/model/index.js";
import { instanceResourceId } from "../src/synth/ids.js";
import { INSTANCE, brand, hasBrand } from "./brand.js";
import { MeshStack } from "./mesh-stack.js";
import type { Product } from "./product.js";
import { Token } from "cdktf";

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
    this.productName = typeof props.product === "string" ? props.product : props.product.productName;
    this.settings = { ...(props.settings ?? {}) };
    this.node.addValidation({ validate: () => this.meshErrors().map(errorText) });
  }

  static isInstance(x: unknown): x is Instance {
    return hasBrand(x, INSTANCE);
  }

  /** `meshroom_instance.<id>`, what plugs list in `depends_on`. */
  get resourceAddress(): string {
    return `meshroom_instance.${instanceResourceId(this.instanceName)}`;
  }

  /** What is wrong with this instance, as the CLI would say it. */
  meshErrors(): MeshroomError[] {
    const errors: MeshroomError[] = [];
    if (!isValidName(this.instanceName)) {
      errors.push(new MeshroomError("E_BAD_NAME", `invalid instance name ${JSON.stringify(this.instanceName)}`, {
        detail: "instance names start with a letter or digit and hold letters, digits, `_` and `.`",
      }));
    }
    const product = MeshStack.of(this).graph.products.get(this.productName);
    if (!product) {
      errors.push(new MeshroomError("E_NOT_FOUND", `instance ${this.instanceName} is of unknown product ${this.productName}`, {
        detail: `create it with \`meshroom create product ${this.productName}\` or fix the product name`,
      }));
      return errors;
    }
    for (const [key, value] of Object.entries(this.settings)) {
      const def = product.settings.find((s) => s.name === key);
      if (!def) {
        const known = product.settings.map((s) => s.name).join(", ") || "none";
        errors.push(new MeshroomError("E_BAD_VALUE", `instance ${this.instanceName}: product ${product.name} has no setting ${key}`, {
          detail: `its settings: ${known}`,
        }));
        continue;
      }
      if (value === undefined || (typeof value === "string" && Token.isUnresolved(value))) continue;
      try {
        checkSettingValue(def, value);
      } catch (e) {
        if (!(e instanceof MeshroomError)) throw e;
        errors.push(new MeshroomError(e.code, `instance ${this.instanceName}: ${e.message}`));
      }
    }
    return errors;
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
