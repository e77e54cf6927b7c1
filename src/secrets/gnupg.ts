import { readlinkSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { environmentWithoutCredentials, runCommand, type CommandResult } from "../exec/index.js";

/**
 * The user's own GnuPG (`secrets: { gnupg: true }` in meshroom.yaml): secrets.gpg is decrypted
 * by the `gpg` program with the keyring in $GNUPGHOME and its gpg-agent, so keys held by the
 * agent or on a smartcard work and no private key is ever exported to a file. Encryption still
 * uses the public keys in recipients/ (gpg is not needed for it).
 *
 * Nothing secret is ever on a command line: the ciphertext goes through a private temporary
 * file, the passphrase (MESHROOM_PASSPHRASE only) through stdin with `--passphrase-fd 0` and
 * loopback pinentry, the plaintext comes back on stdout. Without MESHROOM_PASSPHRASE the agent
 * asks through its own pinentry on a terminal (GPG_TTY is set to ours when unset); with no
 * terminal, `--pinentry-mode error`: a passphrase the agent has not cached is an error, never a
 * hang.
 */
export interface GnupgAccess {
  env: NodeJS.ProcessEnv;
  /** True when a person can answer the agent's pinentry (a terminal, not CI). */
  interactive: boolean;
}

/** How long gpg may run: a person typing a PIN needs longer than a cached key. */
const INTERACTIVE_TIMEOUT_MS = 5 * 60_000;
const BATCH_TIMEOUT_MS = 60_000;

/** `gpg --decrypt` of an armored message; the plaintext. */
export async function gnupgDecrypt(armored: string, access: GnupgAccess, file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "meshroom-gpg-"));
  try {
    const input = join(dir, "message.asc");
    await writeFile(input, armored, { mode: 0o600 });
    const passphrase = access.env.MESHROOM_PASSPHRASE;
    const pinentry = passphrase !== undefined ? ["--pinentry-mode", "loopback", "--passphrase-fd", "0"] : access.interactive ? [] : ["--pinentry-mode", "error"];
    const r = await gpg(access, [...pinentry, "--decrypt", "--", input], passphrase !== undefined ? `${passphrase}\n` : undefined);
    if (r.exitCode !== 0) throw decryptError(r.stderr, file, passphrase !== undefined, access.interactive);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The armored public key of the user's secret key `query` (a fingerprint, key ID or user ID), or
 * of their only secret key; E_SECRETS when there is none, or several and no query.
 */
export async function gnupgExportPublicKey(access: GnupgAccess, query?: string): Promise<{ armored: string; fingerprint: string }> {
  const list = await gpg(access, ["--with-colons", "--list-secret-keys", ...(query ? ["--", query] : [])]);
  const fingerprints = secretKeyFingerprints(list.stdout);
  if (list.exitCode !== 0 || fingerprints.length === 0) {
    throw new MeshroomError("E_SECRETS", query ? `no secret key matching ${JSON.stringify(query)} in your GnuPG keyring` : "your GnuPG keyring holds no secret key", {
      detail: `meshroom.yaml says \`secrets: { gnupg: true }\`: create or import a key with gpg (e.g. \`gpg --quick-gen-key "Your Name <you@example.com>"\`), then run \`meshroom secrets init\` again.${list.stderr.trim() ? `\n(gpg: ${lastLines(list.stderr)})` : ""}`,
    });
  }
  if (fingerprints.length > 1) {
    throw new MeshroomError("E_USAGE", `your GnuPG keyring holds ${fingerprints.length} secret keys${query ? ` matching ${JSON.stringify(query)}` : ""}: say which one is yours here`, {
      detail: `Run \`meshroom secrets init --key FINGERPRINT\` with one of: ${fingerprints.join(", ")}.`,
    });
  }
  const fingerprint = fingerprints[0]!;
  const exported = await gpg(access, ["--armor", "--export", "--", fingerprint]);
  if (exported.exitCode !== 0 || !exported.stdout.includes("BEGIN PGP PUBLIC KEY BLOCK")) {
    throw new MeshroomError("E_SECRETS", `gpg could not export the public key ${fingerprint}`, { detail: lastLines(exported.stderr) });
  }
  return { armored: exported.stdout, fingerprint };
}

/** Primary-key fingerprints of `--with-colons --list-secret-keys` output. */
export function secretKeyFingerprints(colons: string): string[] {
  const out: string[] = [];
  let inPrimary = false;
  for (const line of colons.split("\n")) {
    const f = line.split(":");
    if (f[0] === "sec") inPrimary = true;
    else if (f[0] === "ssb" || f[0] === "sub") inPrimary = false;
    else if (f[0] === "fpr" && inPrimary && f[9]) {
      out.push(f[9]);
      inPrimary = false;
    }
  }
  return out;
}

async function gpg(access: GnupgAccess, args: string[], input?: string): Promise<CommandResult> {
  // meshroom's credentials (MESHROOM_PASSPHRASE, the pg connection string, …) stay out of gpg's
  // environment, and so out of a gpg-agent it starts, which lives on after meshroom
  const tty = access.interactive && !access.env.GPG_TTY ? ourTerminal() : undefined;
  const env = environmentWithoutCredentials(tty ? { GPG_TTY: tty } : {}, access.env); // pinentry-curses asks on our terminal
  try {
    return await runCommand("gpg", ["--batch", "--no-greeting", "--yes", ...args], {
      cwd: tmpdir(),
      env,
      extendEnv: false,
      ...(input !== undefined ? { input } : {}),
      timeoutMs: access.interactive ? INTERACTIVE_TIMEOUT_MS : BATCH_TIMEOUT_MS,
      rejectOnExitCode: false,
    });
  } catch (e) {
    const missing = /ENOENT|not found|could not run/i.test(e instanceof Error ? e.message : String(e));
    throw new MeshroomError("E_SECRETS", missing ? "meshroom.yaml says `secrets: { gnupg: true }`, but the `gpg` program cannot be run" : `gpg failed: ${e instanceof Error ? e.message : String(e)}`, {
      detail: missing ? "Install GnuPG (e.g. `apt-get install gnupg`), or remove `secrets: { gnupg: true }` to use a key file (MESHROOM_GPG_KEY)." : "Check your GnuPG setup with `gpg --list-secret-keys`.",
      cause: e,
    });
  }
}

/** /dev/pts/N of our stdin, when it is a terminal (Linux). */
function ourTerminal(): string | undefined {
  try {
    const t = readlinkSync("/proc/self/fd/0");
    return t.startsWith("/dev/") ? t : undefined;
  } catch {
    return undefined;
  }
}

function decryptError(stderr: string, file: string, loopback: boolean, interactive: boolean): MeshroomError {
  const why = lastLines(stderr);
  // gpg ends every failure with "decryption failed: No secret key": the line before says why
  const keyFailure = /public key decryption failed: (.*)$/im.exec(stderr)?.[1]?.trim();
  if (keyFailure && /bad passphrase|bad pin/i.test(keyFailure)) {
    return new MeshroomError("E_SECRETS", `wrong passphrase for your GnuPG key (decrypting ${file})`, {
      detail: `Check ${loopback ? "MESHROOM_PASSPHRASE" : "the passphrase you typed"} and try again. Nothing was changed.`,
    });
  }
  if (keyFailure && !loopback && !interactive) {
    return new MeshroomError("E_SECRETS", `gpg needs the passphrase (or PIN) of your key to decrypt ${file}, and no terminal is attached to ask for it`, {
      detail:
        "Set MESHROOM_PASSPHRASE in the environment, or unlock the key in your gpg-agent first (e.g. decrypt once in a terminal: " +
        `\`gpg --decrypt ${file} >/dev/null\`).\n(gpg: ${why})`,
    });
  }
  if (keyFailure) return new MeshroomError("E_SECRETS", `gpg could not use your key to decrypt ${file}: ${keyFailure}`, { detail: `gpg: ${why}` });
  if (/no secret key/i.test(stderr)) {
    return new MeshroomError("E_SECRETS", `${file} is not encrypted to any secret key in your GnuPG keyring`, {
      detail:
        "Run `meshroom secrets init` (it exports your key's public half to recipients/), then ask a current recipient to run " +
        `\`meshroom secrets recipients add recipients/<you>.asc\` and commit ${file}.\n(gpg: ${why})`,
    });
  }
  return new MeshroomError("E_SECRETS", `gpg cannot decrypt ${file}`, { detail: `gpg: ${why}` });
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" ").slice(0, 500);
}
