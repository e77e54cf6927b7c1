import { readFile } from "node:fs/promises";
import { MeshroomError } from "../errors/index.js";
import { registerSecretValue } from "../util/redact.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { decryptText, encryptText } from "./cipher.js";
import * as D from "./document.js";
import { errorText } from "./error-text.js";
import { newHmacKey, secretHmac } from "./hmac.js";
import { loadOpenPGP } from "./openpgp.js";
import { SECRETS_FILE, secretsFilePath } from "./paths.js";
import { unlockPrivateKeys } from "./private-key.js";
import { addRecipientFile, removeRecipientKeys, type FileUndo } from "./recipient-files.js";
import { readRecipients, type RecipientInfo } from "./recipients.js";
import type { SecretEntry, SecretScope } from "./scope.js";
import type { OpenSecretsStoreOptions, SecretsStore } from "./types.js";

/**
 * Opens the project's store without touching the disk: `secrets.gpg` is read, and openpgp
 * loaded, on the first call that needs it. A project without `secrets.gpg` reads as empty.
 */
export function openSecretsStore(projectRoot: string, opts: OpenSecretsStoreOptions): SecretsStore {
  return new LazySecretsStore(projectRoot, opts);
}

class LazySecretsStore implements SecretsStore {
  readonly projectRoot: string;
  readonly #opts: OpenSecretsStoreOptions;
  readonly #file: string;
  #loading: Promise<D.SecretsDocument> | undefined;
  /** Ciphertext as read (null: no file), to refuse overwriting a concurrent change. */
  #loadedRaw: string | null = null;
  #dirty = false;

  constructor(projectRoot: string, opts: OpenSecretsStoreOptions) {
    this.projectRoot = projectRoot;
    this.#opts = opts;
    this.#file = secretsFilePath(projectRoot);
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  async get(scope: SecretScope, name: string): Promise<string | undefined> {
    return D.getSecret(await this.#doc(), scope, name);
  }

  async set(scope: SecretScope, name: string, value: string): Promise<void> {
    if (name === "") throw new MeshroomError("E_BAD_NAME", "a secret name cannot be empty");
    const doc = await this.#doc();
    registerSecretValue(value);
    if (D.getSecret(doc, scope, name) === value) return;
    D.setSecret(doc, scope, name, value);
    this.#dirty = true;
  }

  async delete(scope: SecretScope, name: string): Promise<boolean> {
    const removed = D.deleteSecret(await this.#doc(), scope, name);
    if (removed) this.#dirty = true;
    return removed;
  }

  async deleteScope(scope: SecretScope): Promise<boolean> {
    const removed = D.deleteScope(await this.#doc(), scope);
    if (removed) this.#dirty = true;
    return removed;
  }

  async list(): Promise<SecretEntry[]> {
    return D.listSecrets(await this.#doc());
  }

  async hmac(scope: SecretScope, name: string): Promise<string | undefined> {
    const doc = await this.#doc();
    const value = D.getSecret(doc, scope, name);
    if (value === undefined) return undefined;
    return secretHmac(this.#hmacKey(doc), scope, name, value);
  }

  async save(): Promise<void> {
    if (!this.#dirty) return;
    await this.#persist(await this.#doc());
  }

  async listRecipients(): Promise<RecipientInfo[]> {
    const pgp = await loadOpenPGP();
    return (await readRecipients(pgp, this.projectRoot)).map((r) => r.info);
  }

  async addRecipient(file: string): Promise<RecipientInfo[]> {
    const doc = await this.#doc(); // prove we can read the store before changing who can
    const pgp = await loadOpenPGP();
    const { added, undo } = await addRecipientFile(pgp, this.projectRoot, file);
    await this.#reencrypt(doc, undo);
    return added;
  }

  async removeRecipient(fingerprint: string): Promise<RecipientInfo[]> {
    const doc = await this.#doc();
    const pgp = await loadOpenPGP();
    const { removed, undo } = await removeRecipientKeys(pgp, this.projectRoot, fingerprint);
    await this.#reencrypt(doc, undo);
    return removed;
  }

  async #reencrypt(doc: D.SecretsDocument, undo: FileUndo): Promise<void> {
    if (this.#loadedRaw === null && !this.#dirty) return; // nothing stored yet: nothing to re-encrypt
    try {
      await this.#persist(doc);
    } catch (e) {
      await undo();
      throw e;
    }
  }

  #hmacKey(doc: D.SecretsDocument): string {
    if (!doc.meta.hmac_key) {
      doc.meta.hmac_key = newHmacKey();
      this.#dirty = true;
    }
    registerSecretValue(doc.meta.hmac_key);
    return doc.meta.hmac_key;
  }

  #doc(): Promise<D.SecretsDocument> {
    this.#loading ??= this.#load().catch((e: unknown) => {
      this.#loading = undefined; // a later call may retry (e.g. after a mistyped passphrase)
      throw e;
    });
    return this.#loading;
  }

  async #load(): Promise<D.SecretsDocument> {
    const raw = await this.#readRaw();
    this.#loadedRaw = raw;
    if (raw === null) return D.emptyDocument();
    const pgp = await loadOpenPGP();
    const keys = await unlockPrivateKeys(pgp, this.#opts);
    const doc = D.parseDocument(await decryptText(pgp, raw, keys, SECRETS_FILE), SECRETS_FILE);
    for (const v of D.allValues(doc)) registerSecretValue(v);
    if (doc.meta.hmac_key) registerSecretValue(doc.meta.hmac_key);
    return doc;
  }

  async #readRaw(): Promise<string | null> {
    try {
      return await readFile(this.#file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new MeshroomError("E_SECRETS", `cannot read ${this.#file}`, { detail: errorText(e), cause: e });
    }
  }

  async #persist(doc: D.SecretsDocument): Promise<void> {
    const pgp = await loadOpenPGP();
    const recipients = await readRecipients(pgp, this.projectRoot);
    if (recipients.length === 0) {
      throw new MeshroomError("E_SECRETS", "cannot save secrets: recipients/ holds no public key", {
        detail: "Run `meshroom secrets init` to create your key and add it as a recipient.",
      });
    }
    if ((await this.#readRaw()) !== this.#loadedRaw) {
      throw new MeshroomError("E_SECRETS", `${SECRETS_FILE} changed on disk while this command ran`, {
        detail: "Another meshroom process (or a git operation) wrote it. Run the command again.",
      });
    }
    this.#hmacKey(doc);
    const armored = await encryptText(pgp, D.serializeDocument(doc), recipients.map((r) => r.key));
    try {
      await writeFileAtomic(this.#file, armored);
    } catch (e) {
      throw new MeshroomError("E_SECRETS", `cannot write ${this.#file}`, { detail: errorText(e), cause: e });
    }
    this.#loadedRaw = armored;
    this.#dirty = false;
  }
}
