// Interoperability with the real GnuPG program (`gpg`): keys and stores cross both ways.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initSecrets, openSecretsStore } from "../../src/secrets/index.js";
import { GpgHome, tempDir, type TestKey, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

const homes: GpgHome[] = [];
async function home(): Promise<GpgHome> {
  const h = await GpgHome.create();
  homes.push(h);
  return h;
}
afterAll(async () => {
  await Promise.all(homes.map((h) => h.close()));
});

let h1: GpgHome;
let h2: GpgHome;
let carol: TestKey; // gpg key with a passphrase
let dave: TestKey; // gpg key without
beforeAll(async () => {
  [h1, h2] = await Promise.all([home(), home()]);
  [carol, dave] = await Promise.all([h1.genKey("Carol <carol@example.test>", "carol pass"), h2.genKey("Dave <dave@example.test>", "")]);
});

async function writeKey(dir: string, key: TestKey): Promise<string> {
  const path = join(dir, `${key.fingerprint}.sec.asc`);
  await writeFile(path, key.privateArmored, { mode: 0o600 });
  return path;
}

const I = { instance: "siem" };

describe("GnuPG interoperability", () => {
  it("a store written with a key from `secrets init` decrypts with `gpg --decrypt`", async () => {
    const dir = await tempDir();
    const env = { XDG_CONFIG_HOME: join(dir, "config"), MESHROOM_PASSPHRASE: "init pass" };
    const init = await initSecrets(dir, { env, name: "Erin", email: "erin@example.test", passphrase: "init pass" });
    expect(init.keyPath).toBe(join(dir, "config", "meshroom", "private-key.asc"));
    expect(await readdir(join(dir, "recipients"))).toEqual(["erin.asc"]);
    const store = openSecretsStore(dir, { env });
    await store.set(I, "API_KEY", "init-secret-4242");
    await store.save();

    const h = await home();
    await h.importKey(await readFile(init.keyPath, "utf8"), "init pass");
    const out = await h.decrypt(join(dir, "secrets.gpg"), "init pass");
    expect(out.ok, out.stderr).toBe(true);
    expect(JSON.parse(out.stdout).instances).toEqual({ siem: { API_KEY: "init-secret-4242" } });
  });

  it("a passphrase-protected key exported by gpg works as MESHROOM_GPG_KEY", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "carol.pub.asc"), carol.publicArmored);
    const env = { MESHROOM_GPG_KEY: await writeKey(dir, carol), MESHROOM_PASSPHRASE: "carol pass" };
    const store = openSecretsStore(dir, { env });
    await store.addRecipient(join(dir, "carol.pub.asc"));
    await store.set(I, "TOKEN", "carol-token-1111");
    await store.save();
    expect(await openSecretsStore(dir, { env }).get(I, "TOKEN")).toBe("carol-token-1111");
    const out = await h1.decrypt(join(dir, "secrets.gpg"), "carol pass");
    expect(out.ok, out.stderr).toBe(true);
    expect(out.stdout).toContain("carol-token-1111");

    // the wrong passphrase is an error that leaves the store byte-identical
    const before = await readFile(join(dir, "secrets.gpg"));
    const wrong = openSecretsStore(dir, { env: { ...env, MESHROOM_PASSPHRASE: "wrong" } });
    await expect(wrong.set(I, "TOKEN", "changed-value")).rejects.toMatchObject({ code: "E_SECRETS" });
    await expect(wrong.addRecipient(join(dir, "carol.pub.asc"))).rejects.toMatchObject({ code: "E_SECRETS" });
    expect((await readFile(join(dir, "secrets.gpg"))).equals(before)).toBe(true);
  });

  it("an unprotected key exported by gpg works without a passphrase", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "dave.pub.asc"), dave.publicArmored);
    const env = { MESHROOM_GPG_KEY: await writeKey(dir, dave) };
    const store = openSecretsStore(dir, { env });
    await store.addRecipient(join(dir, "dave.pub.asc"));
    await store.set(I, "TOKEN", "dave-token-2222");
    await store.save();
    expect(await openSecretsStore(dir, { env }).get(I, "TOKEN")).toBe("dave-token-2222");
  });

  it("two recipients can each decrypt; removing one re-encrypts so it no longer can", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "carol.pub.asc"), carol.publicArmored);
    await writeFile(join(dir, "dave.pub.asc"), dave.publicArmored);
    const env = { MESHROOM_GPG_KEY: await writeKey(dir, carol), MESHROOM_PASSPHRASE: "carol pass" };
    const store = openSecretsStore(dir, { env });
    await store.addRecipient(join(dir, "carol.pub.asc"));
    await store.set(I, "API_KEY", "shared-secret-3333");
    await store.save();
    const added = await openSecretsStore(dir, { env }).addRecipient(join(dir, "dave.pub.asc"));
    expect(added.map((r) => r.fingerprint)).toEqual([dave.fingerprint]);
    expect((await openSecretsStore(dir, { env }).listRecipients()).map((r) => r.fingerprint).sort()).toEqual(
      [carol.fingerprint, dave.fingerprint].sort(),
    );

    for (const [h, pass] of [[h1, "carol pass"], [h2, ""]] as const) {
      const out = await h.decrypt(join(dir, "secrets.gpg"), pass);
      expect(out.ok, out.stderr).toBe(true);
      expect(out.stdout).toContain("shared-secret-3333");
    }
    // dave, with his own key, reads it through meshroom too
    expect(await openSecretsStore(dir, { env: { MESHROOM_GPG_KEY: await writeKey(dir, dave) } }).get(I, "API_KEY")).toBe(
      "shared-secret-3333",
    );

    const removed = await openSecretsStore(dir, { env }).removeRecipient(dave.fingerprint.slice(-16).toLowerCase());
    expect(removed.map((r) => r.fingerprint)).toEqual([dave.fingerprint]);
    expect(await readdir(join(dir, "recipients"))).toEqual(["carol.asc"]);
    expect((await h2.decrypt(join(dir, "secrets.gpg"))).ok).toBe(false);
    const still = await h1.decrypt(join(dir, "secrets.gpg"), "carol pass");
    expect(still.ok, still.stderr).toBe(true);
    expect(still.stdout).toContain("shared-secret-3333");

    await expect(openSecretsStore(dir, { env }).removeRecipient(carol.fingerprint)).rejects.toMatchObject({
      code: "E_SECRETS",
      message: /last recipient/,
    });
  });
});
