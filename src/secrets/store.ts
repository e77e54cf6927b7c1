import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { PrivateKey } from "openpgp";
import { MeshroomError } from "../errors/index.js";
import { registerSecretValue } from "../util/redact.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { decryptText, encryptText } from "./cipher.js";
import { applyChange, cloneDocument, type SecretChange } from "./changes.js";
import * as D from "./document.js";
import { errorText } from "./error-text.js";
import { gnupgDecrypt } from "./gnupg.js";
import { newHmacKey, secretHmac } from "./hmac.js";
import { loadOpenPGP } from "./openpgp.js";
import { SECRETS_FILE, secretsFilePath } from "./paths.js";
import { unlockPrivateKeys } from "./private-key.js";
import { addRecipientFile, removeRecipientKeys, type FileUndo } from "./recipient-files.js";
import { readRecipients, type RecipientInfo } from "./recipients.js";
import type { SecretEntry, SecretScope } from "./scope.js";
import { withSecretsLock } from "./store-lock.js";
import type { OpenSecretsStoreOptions, SecretsAccessNeeds, SecretsStore } from "./types.js";

/**
 * Opens the project's store without touching the disk: `secrets.gpg` is read, and openpgp
 * loaded, on the first call that needs it. A project without `secrets.gpg` reads as empty.
 *
 * Concurrent writers: changes are kept as a per-key change set; `save()` takes the store's lock
 * (store-lock.ts), re-reads `secrets.gpg`, replays this process's changes onto what is there now
 * and replaces the file atomically. Changes to different keys (by any process) all survive; two
 * writers of the same key: the last to save wins, like two `secrets set` run one after the other.
 */
export function openSecretsStore(projectRoot: string, opts: OpenSecretsStoreOptions): SecretsStore {
  return new LazySecretsStore(projectRoot, opts);
}

class LazySecretsStore implements SecretsStore {
  readonly projectRoot: string;
  readonly #opts: OpenSecretsStoreOptions;
  readonly #file: string;
  #loading: Promise<void> | undefined;
  /** The working document: `#base` with the pending changes applied (set once loaded). */
  #working: D.SecretsDocument | undefined;
  /** The document as last read from or written to disk, and its ciphertext (null: no file). */
  #base: D.SecretsDocument = D.emptyDocument();
  #baseRaw: string | null = null;
  /** This process's changes not saved yet, in order. */
  readonly #pending: SecretChange[] = [];
  #keys: PrivateKey[] | undefined;
  /** Saves run one at a time (hooks of parallel resources save concurrently). */
  #saving: Promise<void> = Promise.resolve();

  constructor(projectRoot: string, opts: OpenSecretsStoreOptions) {
    this.projectRoot = projectRoot;
    this.#opts = opts;
    this.#file = secretsFilePath(projectRoot);
  }

  get dirty(): boolean {
    return this.#pending.length > 0;
  }

  async get(scope: SecretScope, name: string): Promise<string | undefined> {
    return D.getSecret(await this.#doc(), scope, name);
  }

  async set(scope: SecretScope, name: string, value: string): Promise<void> {
    if (name === "") throw new MeshroomError("E_BAD_NAME", "a secret name cannot be empty");
    const doc = await this.#doc();
    registerSecretValue(value);
    if (D.getSecret(doc, scope, name) === value) return;
    this.#change({ kind: "set", scope, name, value });
  }

  async delete(scope: SecretScope, name: string): Promise<boolean> {
    const doc = await this.#doc();
    if (D.getSecret(doc, scope, name) === undefined) return false;
    this.#change({ kind: "delete", scope, name });
    return true;
  }

  async deleteScope(scope: SecretScope): Promise<boolean> {
    const doc = await this.#doc();
    if (!D.hasScope(doc, scope)) return false;
    this.#change({ kind: "deleteScope", scope });
    return true;
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

  save(): Promise<void> {
    const run = this.#saving.catch(() => undefined).then(() => this.#saveNow());
    this.#saving = run;
    return run;
  }

  async checkAccess(needs: SecretsAccessNeeds): Promise<void> {
    if (needs.write) {
      const pgp = await loadOpenPGP();
      if ((await readRecipients(pgp, this.projectRoot)).length === 0) throw noRecipientError("this apply runs hooks that may save secrets");
    }
    // Writing merges onto the current store, so it needs to read it too.
    if (needs.read || needs.write) await this.#doc();
  }

  async listRecipients(): Promise<RecipientInfo[]> {
    const pgp = await loadOpenPGP();
    return (await readRecipients(pgp, this.projectRoot)).map((r) => r.info);
  }

  async addRecipient(file: string): Promise<RecipientInfo[]> {
    await this.#doc(); // prove we can read the store before changing who can
    const pgp = await loadOpenPGP();
    const { added, undo } = await addRecipientFile(pgp, this.projectRoot, file);
    await this.#reencrypt(undo);
    return added;
  }

  async removeRecipient(fingerprint: string): Promise<RecipientInfo[]> {
    await this.#doc();
    const pgp = await loadOpenPGP();
    const { removed, undo } = await removeRecipientKeys(pgp, this.projectRoot, fingerprint);
    await this.#reencrypt(undo);
    return removed;
  }

  async #reencrypt(undo: FileUndo): Promise<void> {
    try {
      const run = this.#saving.catch(() => undefined).then(() => this.#persist(true));
      this.#saving = run;
      await run;
    } catch (e) {
      await undo();
      throw e;
    }
  }

  /** Applies a change to the working document (the current one: a save may have replaced it) and keeps it for the next save. */
  #change(c: SecretChange): void {
    applyChange(this.#working!, c);
    this.#pending.push(c);
  }

  #hmacKey(doc: D.SecretsDocument): string {
    if (!doc.meta.hmac_key) this.#change({ kind: "hmacKey", key: newHmacKey() });
    const key = this.#working!.meta.hmac_key!;
    registerSecretValue(key);
    return key;
  }

  async #doc(): Promise<D.SecretsDocument> {
    this.#loading ??= this.#load().catch((e: unknown) => {
      this.#loading = undefined; // a later call may retry (e.g. after a mistyped passphrase)
      throw e;
    });
    await this.#loading;
    return this.#working!;
  }

  async #load(): Promise<void> {
    const raw = await this.#readRaw();
    this.#base = await this.#decrypt(raw);
    this.#baseRaw = raw;
    this.#working = cloneDocument(this.#base);
  }

  async #decrypt(raw: string | null): Promise<D.SecretsDocument> {
    if (raw === null) return D.emptyDocument();
    const doc = D.parseDocument(await this.#plaintext(raw), SECRETS_FILE);
    for (const v of D.allValues(doc)) registerSecretValue(v);
    if (doc.meta.hmac_key) registerSecretValue(doc.meta.hmac_key);
    return doc;
  }

  /** With the user's GnuPG (gnupg.ts), or with the key file unlocked once. */
  async #plaintext(raw: string): Promise<string> {
    if (this.#opts.gnupg) return gnupgDecrypt(raw, { env: this.#opts.env, interactive: this.#opts.gnupg.interactive }, SECRETS_FILE);
    const pgp = await loadOpenPGP();
    this.#keys ??= await unlockPrivateKeys(pgp, this.#opts);
    return decryptText(pgp, raw, this.#keys, SECRETS_FILE);
  }

  async #readRaw(): Promise<string | null> {
    try {
      return await readFile(this.#file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new MeshroomError("E_SECRETS", `cannot read ${this.#file}`, { detail: errorText(e), cause: e });
    }
  }

  async #saveNow(): Promise<void> {
    if (this.#pending.length === 0) return;
    await this.#persist(false);
  }

  /**
   * Under the lock: re-reads secrets.gpg, replays the pending changes onto it, encrypts to the
   * current recipients and replaces the file. `always`: write even without changes (re-encrypt).
   */
  async #persist(always: boolean): Promise<void> {
    const pgp = await loadOpenPGP();
    if ((await readRecipients(pgp, this.projectRoot)).length === 0) throw noRecipientError("cannot save secrets");
    // unlock the key (perhaps a prompt) before taking the lock, not while holding it
    if (!this.#opts.gnupg && this.#keys === undefined && existsSync(this.#file)) this.#keys = await unlockPrivateKeys(pgp, this.#opts);
    const storesSomething = always ? this.#baseRaw !== null || this.#pending.length > 0 : true;
    if (storesSomething) this.#hmacKey(await this.#doc()); // every written store carries its HMAC key
    await withSecretsLock(
      this.projectRoot,
      async () => {
        const raw = await this.#readRaw();
        if (raw === null && this.#pending.length === 0) return; // nothing stored, nothing to re-encrypt
        const merged = cloneDocument(raw === this.#baseRaw ? this.#base : await this.#decrypt(raw));
        const count = this.#pending.length;
        for (const c of this.#pending.slice(0, count)) applyChange(merged, c);
        // the recipients as they are now (a `recipients add/remove` re-encrypts under this lock too)
        const current = await readRecipients(pgp, this.projectRoot);
        if (current.length === 0) throw noRecipientError("cannot save secrets");
        const armored = await encryptText(pgp, D.serializeDocument(merged), current.map((r) => r.key));
        try {
          await writeFileAtomic(this.#file, armored);
        } catch (e) {
          throw new MeshroomError("E_SECRETS", `cannot write ${this.#file}`, { detail: errorText(e), cause: e });
        }
        // Written: the base is what is on disk now; the working copy is it plus changes made meanwhile.
        this.#pending.splice(0, count);
        this.#base = merged;
        this.#baseRaw = armored;
        const working = cloneDocument(merged);
        for (const c of this.#pending) applyChange(working, c);
        this.#working = working;
      },
      this.#opts.lockWaitMs,
    );
  }
}

function noRecipientError(what: string): MeshroomError {
  return new MeshroomError("E_SECRETS", `${what}: recipients/ holds no public key`, {
    detail:
      "Run `meshroom secrets init` to create your key and add it as a recipient, " +
      "or `meshroom secrets recipients add FILE.asc` to add a teammate's public key.",
  });
}
