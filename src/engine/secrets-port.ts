/**
 * What authoring commands need from the secrets store. The real store (src/secrets) is opened
 * lazily so commands that touch no secret never load openpgp.
 */
export type SecretScope = { instance: string } | { plug: string };

export interface SecretsPort {
  set(scope: SecretScope, name: string, value: string): Promise<void>;
  deleteScope(scope: SecretScope): Promise<unknown>;
  save(): Promise<void>;
}
