import { homedir } from "node:os";
import { join } from "node:path";
import { assertInProject } from "../util/confined-path.js";

/** Where the store, the recipients and the user's own key live. */
export const SECRETS_FILE = "secrets.gpg";
/** Held by a writer of secrets.gpg while it merges and replaces it (store-lock.ts). */
export const SECRETS_LOCK_FILE = "secrets.gpg.lock";
export const RECIPIENTS_DIR = "recipients";
/** File name of the key `meshroom secrets init` generates in the user's config dir. */
export const USER_KEY_FILE = "private-key.asc";

/** secrets.gpg of a project; refused when a symbolic link sends it out of the project. */
export function secretsFilePath(projectRoot: string): string {
  return assertInProject(projectRoot, join(projectRoot, SECRETS_FILE), "use the secrets file");
}

/** secrets.gpg.lock of a project; refused when a symbolic link sends it out of the project. */
export function secretsLockPath(projectRoot: string): string {
  return assertInProject(projectRoot, join(projectRoot, SECRETS_LOCK_FILE), "use the secrets lock");
}

/** recipients/ of a project; refused when a symbolic link sends it out of the project. */
export function recipientsDirPath(projectRoot: string): string {
  return assertInProject(projectRoot, join(projectRoot, RECIPIENTS_DIR), "use the recipients folder");
}

/** `$XDG_CONFIG_HOME/meshroom` or `~/.config/meshroom` (never inside a project). */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && xdg.trim() !== "") return join(xdg, "meshroom");
  return join(env.HOME && env.HOME !== "" ? env.HOME : homedir(), ".config", "meshroom");
}

export function userKeyPath(env: NodeJS.ProcessEnv): string {
  return join(userConfigDir(env), USER_KEY_FILE);
}

/** The private key to decrypt with: `MESHROOM_GPG_KEY` if set, else the one `secrets init` generated. */
export function privateKeyPath(env: NodeJS.ProcessEnv): { path: string; fromEnv: boolean } {
  const p = env.MESHROOM_GPG_KEY;
  if (p && p.trim() !== "") return { path: p, fromEnv: true };
  return { path: userKeyPath(env), fromEnv: false };
}
