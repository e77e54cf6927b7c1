import { access, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { userInfo } from "node:os";
import type { Key, PrivateKey } from "openpgp";
import { gnupgExportPublicKey } from "./gnupg.js";
import type { OpenPGP } from "./openpgp.js";
import { MeshroomError } from "../errors/index.js";
import { errorText } from "./error-text.js";
import { loadOpenPGP } from "./openpgp.js";
import { privateKeyPath, secretsFilePath } from "./paths.js";
import { readPrivateKeyFile } from "./private-key.js";
import { addRecipientKeys } from "./recipient-files.js";
import { parsePublicKeys, readRecipients, type RecipientInfo } from "./recipients.js";

export interface InitSecretsOptions {
  env: NodeJS.ProcessEnv;
  name?: string;
  email?: string;
  /** Protects a newly generated key; undefined or "" leaves it unencrypted. */
  passphrase?: string;
  /**
   * Use the user's GnuPG keyring (meshroom.yaml's `secrets: { gnupg: true }`): no key is generated
   * or read from a file; the public half of their secret key (`key`, or their only one) becomes
   * the recipient.
   */
  gnupg?: { interactive: boolean; key?: string };
}

export interface InitSecretsResult {
  /** Where the private key is (generated now or found). */
  keyPath: string;
  /** True when a new key was generated. */
  generated: boolean;
  fingerprint: string;
  /** The recipient entry of this key in the project. */
  recipient: RecipientInfo;
  /** True when the public key was newly written to `recipients/`. */
  recipientAdded: boolean;
  /** True when `secrets.gpg` exists and must be re-encrypted by a current recipient to include this key. */
  needsReencryption: boolean;
}

/**
 * Makes sure the user has a private key (MESHROOM_GPG_KEY, or one generated into the user's config
 * dir, never the project) and that its public key is in `recipients/`. Does not decrypt anything.
 */
export async function initSecrets(projectRoot: string, opts: InitSecretsOptions): Promise<InitSecretsResult> {
  const pgp = await loadOpenPGP();
  if (opts.gnupg) {
    const { armored } = await gnupgExportPublicKey({ env: opts.env, interactive: opts.gnupg.interactive }, opts.gnupg.key);
    const [key] = await parsePublicKeys(pgp, armored, "the key exported by gpg");
    return addAsRecipient(pgp, projectRoot, key!, `GnuPG keyring (${opts.env.GNUPGHOME || "~/.gnupg"})`, false, opts.name);
  }
  const { path, fromEnv } = privateKeyPath(opts.env);
  let key: PrivateKey;
  let generated = false;
  if (fromEnv || (await fileExists(path))) {
    key = (await readPrivateKeyFile(pgp, opts.env)).keys[0]!;
  } else {
    const name = opts.name ?? defaultName(opts.env);
    // ECC curve25519 in the v4 ("legacy") encoding: fast, and readable by GnuPG 2.2 (RFC 9580 v6 keys are not).
    const { privateKey } = await pgp.generateKey({
      type: "ecc",
      curve: "curve25519Legacy",
      userIDs: [{ name, ...(opts.email ? { email: opts.email } : {}) }],
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      format: "armored",
    });
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, privateKey, { mode: 0o600, flag: "wx" });
    } catch (e) {
      throw new MeshroomError("E_SECRETS", `cannot write the new private key to ${path}`, { detail: errorText(e), cause: e });
    }
    key = await pgp.readPrivateKey({ armoredKey: privateKey });
    generated = true;
  }
  return addAsRecipient(pgp, projectRoot, key.toPublic(), path, generated, opts.name);
}

/** Makes `key` a recipient of the project unless it is one already. */
async function addAsRecipient(pgp: OpenPGP, projectRoot: string, key: Key, keyPath: string, generated: boolean, name?: string): Promise<InitSecretsResult> {
  const fingerprint = key.getFingerprint().toUpperCase();
  const before = await readRecipients(pgp, projectRoot);
  const already = before.find((r) => r.info.fingerprint === fingerprint);
  let recipient: RecipientInfo;
  if (already) {
    recipient = already.info;
  } else {
    recipient = (await addRecipientKeys(pgp, projectRoot, [key], name)).added[0]!;
  }
  const storeExists = await fileExists(secretsFilePath(projectRoot));
  return { keyPath, generated, fingerprint, recipient, recipientAdded: !already, needsReencryption: storeExists && !already };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function defaultName(env: NodeJS.ProcessEnv): string {
  const user = env.USER ?? env.USERNAME;
  if (user) return user;
  try {
    return userInfo().username;
  } catch {
    return "meshroom";
  }
}
