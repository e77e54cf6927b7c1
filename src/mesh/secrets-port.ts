/**
 * What the engine needs from the secrets store. The real store (src/secrets) is opened lazily
 * so commands that touch no secret never load openpgp.
 */
export type SecretScope = { instance: string } | { plug: string };

export interface SecretsPort {
  get(scope: SecretScope, name: string): Promise<string | undefined>;
  set(scope: SecretScope, name: string, value: string): Promise<void>;
  delete(scope: SecretScope, name: string): Promise<boolean>;
  deleteScope(scope: SecretScope): Promise<unknown>;
  save(): Promise<void>;
}
