import { createHmac, randomBytes } from "node:crypto";
import { isInstanceScope, type SecretScope } from "./scope.js";

/** A fresh per-project HMAC key (256 bits, hex); stored only inside the encrypted store. */
export function newHmacKey(): string {
  return randomBytes(32).toString("hex");
}

/**
 * HMAC-SHA256 of a secret under the project key. The scope and name are part of the message, so
 * two equal values under different names do not reveal that they are equal.
 */
export function secretHmac(keyHex: string, scope: SecretScope, name: string, value: string): string {
  const where = isInstanceScope(scope) ? ["instance", scope.instance] : ["plug", scope.plug];
  return createHmac("sha256", Buffer.from(keyHex, "hex"))
    .update(JSON.stringify([...where, name, value]))
    .digest("hex");
}
