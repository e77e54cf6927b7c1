import type { Key, PrivateKey } from "openpgp";
import { MeshroomError } from "../errors/index.js";
import type { OpenPGP } from "./openpgp.js";
import { errorText } from "./error-text.js";

/** Encrypts `text` to every recipient key; returns an armored OpenPGP message (SEIPDv1, readable by GnuPG 2.2+). */
export async function encryptText(pgp: OpenPGP, text: string, recipients: Key[]): Promise<string> {
  const message = await pgp.createMessage({ text });
  return pgp.encrypt({ message, encryptionKeys: recipients, format: "armored" });
}

/** Decrypts an armored message with the user's unlocked keys, explaining the usual failures. */
export async function decryptText(pgp: OpenPGP, armored: string, keys: PrivateKey[], file: string): Promise<string> {
  let message;
  try {
    message = await pgp.readMessage({ armoredMessage: armored });
  } catch (e) {
    throw new MeshroomError("E_SECRETS", `${file} is not an armored OpenPGP message`, { detail: errorText(e), cause: e });
  }
  const wanted = new Set(message.getEncryptionKeyIDs().map((id) => id.toHex()));
  const ours = keys.flatMap((k) => k.getKeys().map((sub) => sub.getKeyID().toHex()));
  const fingerprints = keys.map((k) => k.getFingerprint().toUpperCase()).join(", ");
  if (wanted.size > 0 && !ours.some((id) => wanted.has(id))) {
    throw new MeshroomError("E_SECRETS", `${file} is not encrypted to your key ${fingerprints}`, {
      detail:
        "Ask a current recipient to add your public key: `meshroom secrets recipients add recipients/<you>.asc` " +
        "(run `meshroom secrets init` to export it there).",
    });
  }
  try {
    const { data } = await pgp.decrypt({ message, decryptionKeys: keys, format: "utf8" });
    return data;
  } catch (e) {
    throw new MeshroomError("E_SECRETS", `cannot decrypt ${file} with key ${fingerprints}`, { detail: errorText(e), cause: e });
  }
}
