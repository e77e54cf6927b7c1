import { type IResolvable, type IResolveContext, tokenString } from "./cdktf.js";
import { isValidName } from "../src/model/index.js";
import { MeshroomError } from "../src/errors/index.js";
import { SECRET, brand, hasBrand } from "./brand.js";

/** What a secret reference renders to before the stack moves it into `secret_refs`. */
export interface SecretMarker {
  "meshroom:secret": string;
}

/**
 * A reference to a secret kept in the project's encrypted store (`secrets.gpg`), never its
 * value. `Secret.fromStore("api_key")` is a string token, so it fits a typed string setting
 * of the generated bindings as well as an `Instance`'s settings; the synthesized document
 * lists the name in `secret_refs` and leaves the setting out.
 */
export class Secret implements IResolvable {
  readonly creationStack: string[] = [];

  private constructor(readonly name: string) {
    brand(this, SECRET);
  }

  /** A reference to the stored secret `name` of the instance (or plug) whose setting it fills. */
  static fromStore(name: string): string {
    if (!isValidName(name)) {
      throw new MeshroomError("E_BAD_NAME", `invalid secret name ${JSON.stringify(name)}`, {
        detail: "secret names are setting names: letters, digits, `_` and `.`",
      });
    }
    return tokenString(new Secret(name));
  }

  resolve(_context: IResolveContext): SecretMarker {
    return { "meshroom:secret": this.name };
  }

  toString(): string {
    return tokenString(this);
  }
}

/** Whether a token is a secret reference. */
export function isSecret(x: unknown): x is Secret {
  return hasBrand(x, SECRET);
}

export function isSecretMarker(v: unknown): v is SecretMarker {
  return v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as Record<string, unknown>)["meshroom:secret"] === "string"
    && Object.keys(v).length === 1;
}

/** Whether a value (resolved) holds a secret marker anywhere but at the top. */
export function hasNestedSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some((x) => isSecretMarker(x) || hasNestedSecret(x));
  if (v === null || typeof v !== "object") return false;
  return Object.values(v).some((x) => isSecretMarker(x) || hasNestedSecret(x));
}
