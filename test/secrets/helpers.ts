import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import * as openpgp from "openpgp";

const made: string[] = [];

/** A temp dir removed by `removeTempDirs()` (call it in `afterAll`). */
export async function tempDir(prefix = "mr-sec-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export interface TestKey {
  fingerprint: string;
  privateArmored: string;
  publicArmored: string;
}

/** A v4 curve25519 key made with openpgp (fast). */
export async function makeKey(name: string, passphrase?: string): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name, email: `${name.toLowerCase()}@example.test` }],
    ...(passphrase ? { passphrase } : {}),
    format: "armored",
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { fingerprint: key.getFingerprint().toUpperCase(), privateArmored: privateKey, publicArmored: publicKey };
}

/** Writes the private key to a file and returns an env using it as MESHROOM_GPG_KEY. */
export async function keyEnv(dir: string, key: TestKey, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const path = join(dir, `${key.fingerprint}.key.asc`);
  await writeFile(path, key.privateArmored, { mode: 0o600 });
  return { MESHROOM_GPG_KEY: path, XDG_CONFIG_HOME: join(dir, "xdg"), ...extra };
}

export async function addRecipientFileRaw(project: string, name: string, key: TestKey): Promise<void> {
  await mkdir(join(project, "recipients"), { recursive: true });
  await writeFile(join(project, "recipients", `${name}.asc`), key.publicArmored);
}

/** A throwaway GnuPG home; `close()` stops its agent and deletes it. */
export class GpgHome {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GpgHome> {
    const dir = await mkdtemp(join(tmpdir(), "g"));
    return new GpgHome(dir);
  }

  run(args: string[], input?: string) {
    return execa("gpg", ["--homedir", this.dir, "--batch", "--yes", "--pinentry-mode", "loopback", ...args], {
      input,
      reject: false,
      env: { GNUPGHOME: this.dir },
    });
  }

  /** Generates an ed25519/cv25519 key and returns it exported in armor. */
  async genKey(uid: string, passphrase: string): Promise<TestKey> {
    const gen = await this.run(["--passphrase", passphrase, "--quick-gen-key", uid, "future-default", "default", "never"]);
    if (gen.exitCode !== 0) throw new Error(`gpg --quick-gen-key failed: ${gen.stderr}`);
    const colons = await this.run(["--with-colons", "--list-secret-keys", uid]);
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(colons.stdout)?.[1];
    if (!fpr) throw new Error(`no fingerprint in: ${colons.stdout}`);
    const sec = await this.run(["--passphrase", passphrase, "--armor", "--export-secret-keys", fpr]);
    const pub = await this.run(["--armor", "--export", fpr]);
    if (sec.exitCode !== 0 || pub.exitCode !== 0) throw new Error(`gpg export failed: ${sec.stderr}${pub.stderr}`);
    return { fingerprint: fpr, privateArmored: sec.stdout, publicArmored: pub.stdout };
  }

  async importKey(armored: string, passphrase = ""): Promise<void> {
    const r = await this.run(["--passphrase", passphrase, "--import"], armored);
    if (r.exitCode !== 0) throw new Error(`gpg --import failed: ${r.stderr}`);
  }

  /** `gpg --decrypt FILE`; returns the plaintext or undefined when gpg cannot decrypt it. */
  async decrypt(file: string, passphrase = ""): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    const r = await this.run(["--passphrase", passphrase, "--decrypt", file]);
    return { ok: r.exitCode === 0, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async close(): Promise<void> {
    await execa("gpgconf", ["--kill", "gpg-agent"], { env: { GNUPGHOME: this.dir }, reject: false });
    await rm(this.dir, { recursive: true, force: true });
  }
}
