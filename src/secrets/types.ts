import type { RecipientInfo } from "./recipients.js";
import type { SecretEntry, SecretScope } from "./scope.js";

/**
 * The project's secrets. Reads decrypt `secrets.gpg` once (lazily, on first call); changes stay
 * in memory until `save()`. Every value read or given is registered for redaction.
 */
export interface SecretsStore {
  readonly projectRoot: string;
  /** True when there are changes `save()` would write. */
  readonly dirty: boolean;
  get(scope: SecretScope, name: string): Promise<string | undefined>;
  set(scope: SecretScope, name: string, value: string): Promise<void>;
  /** Returns whether the secret existed. */
  delete(scope: SecretScope, name: string): Promise<boolean>;
  /** Drops every secret of an instance or a plug; returns whether there were any. */
  deleteScope(scope: SecretScope): Promise<boolean>;
  /** Names only, never values. */
  list(): Promise<SecretEntry[]>;
  /**
   * Keyed HMAC-SHA256 (hex) of a secret's value under the per-project key, or undefined when the
   * secret is not set. Creates the project key if the store has none yet (then `dirty` is true).
   */
  hmac(scope: SecretScope, name: string): Promise<string | undefined>;
  /**
   * Writes this process's changes: under the store's lock, replays them onto `secrets.gpg` as it
   * is now (others' changes to other keys are kept), re-encrypts to the current recipients and
   * replaces the file atomically; no-op when clean. Saves run one at a time.
   */
  save(): Promise<void>;
  /**
   * Fails (E_SECRETS, naming the command that fixes it) unless the store can be read (the private
   * key and its passphrase, when `secrets.gpg` exists) and, for `write`, saved (a recipient).
   */
  checkAccess(needs: SecretsAccessNeeds): Promise<void>;
  listRecipients(): Promise<RecipientInfo[]>;
  /** Copies the public key(s) of `file` into `recipients/` and re-encrypts (saving pending changes too). */
  addRecipient(file: string): Promise<RecipientInfo[]>;
  /** Removes the recipient file(s) of a fingerprint (or long key ID) and re-encrypts. */
  removeRecipient(fingerprint: string): Promise<RecipientInfo[]>;
}

/** What an operation will do with the store. */
export interface SecretsAccessNeeds {
  read: boolean;
  write: boolean;
}

export interface OpenSecretsStoreOptions {
  env: NodeJS.ProcessEnv;
  /** Hidden passphrase prompt; pass one only when a terminal is attached. */
  promptPassphrase?: () => Promise<string>;
  /**
   * Decrypt with the user's GnuPG keyring and agent through the `gpg` program (meshroom.yaml's
   * `secrets: { gnupg: true }`) instead of a key file; `interactive`: the agent's pinentry may ask.
   */
  gnupg?: { interactive: boolean };
  /** How long a save waits for another writer's lock (default 30 s). */
  lockWaitMs?: number;
}
