import { readFile } from "node:fs/promises";
import type { PrivateKey } from "openpgp";
import { MeshroomError } from "../errors/index.js";
import type { OpenPGP } from "./openpgp.js";
import { privateKeyPath } from "./paths.js";
import { armorBlocks } from "./armor.js";
import { errorText } from "./error-text.js";

/** How to reach the user's private key and its passphrase. */
export interface KeyAccess {
  env: NodeJS.ProcessEnv;
  /** Hidden prompt; the CLI passes one only when a terminal is attached. */
  promptPassphrase?: () => Promise<string>;
}

const NO_KEY_HINT =
  "Set MESHROOM_GPG_KEY to an armored private key (e.g. from `gpg --export-secret-keys --armor`), or run `meshroom secrets init`.";

/** Reads the armored key file without unlocking it. */
export async function readPrivateKeyFile(pgp: OpenPGP, env: NodeJS.ProcessEnv): Promise<{ keys: PrivateKey[]; path: string }> {
  const { path, fromEnv } = privateKeyPath(env);
  let armored: string;
  try {
    armored = await readFile(path, "utf8");
  } catch (e) {
    const what = fromEnv ? `MESHROOM_GPG_KEY points to ${path}, which cannot be read` : `no private key found at ${path}`;
    throw new MeshroomError("E_SECRETS", what, { detail: NO_KEY_HINT, cause: e });
  }
  try {
    const keys: PrivateKey[] = [];
    for (const block of armorBlocks(armored)) keys.push(...(await pgp.readPrivateKeys({ armoredKeys: block })));
    if (keys.length === 0) throw new Error("no key in file");
    return { keys, path };
  } catch (e) {
    throw new MeshroomError("E_SECRETS", `${path} does not hold an armored OpenPGP private key`, {
      detail: `${NO_KEY_HINT}\n(${errorText(e)})`,
      cause: e,
    });
  }
}

/** Reads the private key(s) and unlocks them with MESHROOM_PASSPHRASE or the prompt; never waits on a missing terminal. */
export async function unlockPrivateKeys(pgp: OpenPGP, access: KeyAccess): Promise<PrivateKey[]> {
  const { keys, path } = await readPrivateKeyFile(pgp, access.env);
  const locked = keys.filter((k) => !k.isDecrypted());
  if (locked.length === 0) return keys;
  const passphrase = await askPassphrase(access, path);
  const unlocked: PrivateKey[] = keys.filter((k) => k.isDecrypted());
  for (const key of locked) {
    try {
      unlocked.push(await pgp.decryptKey({ privateKey: key, passphrase }));
    } catch (e) {
      throw new MeshroomError("E_SECRETS", `wrong passphrase for private key ${key.getFingerprint().toUpperCase()} (${path})`, {
        detail: "Check MESHROOM_PASSPHRASE (or the passphrase you typed) and try again. Nothing was changed.",
        cause: e,
      });
    }
  }
  return unlocked;
}

async function askPassphrase(access: KeyAccess, path: string): Promise<string> {
  const fromEnv = access.env.MESHROOM_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv;
  if (access.promptPassphrase) return access.promptPassphrase();
  throw new MeshroomError("E_SECRETS", `the private key ${path} is protected by a passphrase, and none was given`, {
    detail: "No terminal is attached to prompt for it: set MESHROOM_PASSPHRASE in the environment.",
  });
}
