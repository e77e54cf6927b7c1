import * as D from "./document.js";
import type { SecretScope } from "./scope.js";

/**
 * One change a process made to the store, kept until it is saved so it can be replayed onto the
 * document as it is on disk at save time (another process may have written in between). Changes
 * are per key: a writer's change to one key never touches another key.
 */
export type SecretChange =
  | { kind: "set"; scope: SecretScope; name: string; value: string }
  | { kind: "delete"; scope: SecretScope; name: string }
  | { kind: "deleteScope"; scope: SecretScope }
  /** The per-project HMAC key this process created; kept only if the store still has none. */
  | { kind: "hmacKey"; key: string };

export function applyChange(doc: D.SecretsDocument, c: SecretChange): void {
  if (c.kind === "set") D.setSecret(doc, c.scope, c.name, c.value);
  else if (c.kind === "delete") D.deleteSecret(doc, c.scope, c.name);
  else if (c.kind === "deleteScope") D.deleteScope(doc, c.scope);
  else doc.meta.hmac_key ??= c.key;
}

/** A deep copy (documents are plain JSON). */
export function cloneDocument(doc: D.SecretsDocument): D.SecretsDocument {
  return structuredClone(doc);
}
