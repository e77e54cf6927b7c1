// secrets: the project's OpenPGP secrets store (`secrets.gpg`, encrypted to every key in
// `recipients/*.asc`), the user's private key and passphrase, recipient management, the
// per-project HMAC of secret values, and `secrets init`. openpgp is loaded lazily. With
// `secrets: { gnupg: true }` the user's GnuPG decrypts (gnupg.ts, the `gpg` program through exec).
// May import: util, errors, exec.
export { openSecretsStore } from "./store.js";
export type { SecretsStore, OpenSecretsStoreOptions, SecretsAccessNeeds } from "./types.js";
export { formatScope, parseScope, isInstanceScope } from "./scope.js";
export type { SecretScope, SecretEntry } from "./scope.js";
export type { RecipientInfo } from "./recipients.js";
export { initSecrets } from "./init.js";
export { gnupgExportPublicKey } from "./gnupg.js";
export type { InitSecretsOptions, InitSecretsResult } from "./init.js";
export { SECRETS_FILE, RECIPIENTS_DIR, userConfigDir, userKeyPath, privateKeyPath } from "./paths.js";
