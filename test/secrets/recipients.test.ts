import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it, afterAll } from "vitest";
import { initSecrets, openSecretsStore } from "../../src/secrets/index.js";
import { addRecipientFileRaw, keyEnv, makeKey, tempDir, type TestKey, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

let alice: TestKey;
let bob: TestKey;
let carl: TestKey;
beforeAll(async () => {
  [alice, bob, carl] = await Promise.all([makeKey("Alice"), makeKey("Bob"), makeKey("Carl")]);
});

const I = { instance: "edr" };

describe("recipients", () => {
  it("lets a teammate join: init exports their key, a current recipient re-encrypts, then they can read", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "alice", alice);
    const aliceEnv = await keyEnv(dir, alice);
    const s = openSecretsStore(dir, { env: aliceEnv });
    await s.set(I, "API_KEY", "team-secret-8080");
    await s.save();

    const bobEnv = await keyEnv(dir, bob);
    const init = await initSecrets(dir, { env: bobEnv });
    expect(init).toMatchObject({ generated: false, fingerprint: bob.fingerprint, recipientAdded: true, needsReencryption: true });
    expect(init.recipient.file).toBe("recipients/bob.asc");
    await expect(openSecretsStore(dir, { env: bobEnv }).get(I, "API_KEY")).rejects.toMatchObject({
      code: "E_SECRETS",
      message: /not encrypted to your key/,
    });

    const added = await openSecretsStore(dir, { env: aliceEnv }).addRecipient(join(dir, "recipients", "bob.asc"));
    expect(added.map((r) => r.file)).toEqual(["recipients/bob.asc"]);
    expect(await openSecretsStore(dir, { env: bobEnv }).get(I, "API_KEY")).toBe("team-secret-8080");
    expect(await initSecrets(dir, { env: bobEnv })).toMatchObject({ recipientAdded: false, needsReencryption: false });
  });

  it("refuses a private key as a recipient and writes nothing", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "alice", alice);
    await writeFile(join(dir, "bob.sec.asc"), bob.privateArmored);
    const store = openSecretsStore(dir, { env: await keyEnv(dir, alice) });
    await expect(store.addRecipient(join(dir, "bob.sec.asc"))).rejects.toMatchObject({ code: "E_SECRETS", message: /private key/ });
    expect(await readdir(join(dir, "recipients"))).toEqual(["alice.asc"]);
  });

  it("names recipient files after the user ID, avoiding collisions, and never stores a key twice", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "bob", alice); // a file named bob.asc that holds alice's key
    await writeFile(join(dir, "b.asc"), bob.publicArmored);
    const store = openSecretsStore(dir, { env: await keyEnv(dir, alice) });
    const [r] = await store.addRecipient(join(dir, "b.asc"));
    expect(r!.file).toBe(`recipients/bob-${bob.fingerprint.slice(-16)}.asc`);
    await store.addRecipient(join(dir, "b.asc"));
    expect((await readdir(join(dir, "recipients"))).length).toBe(2);
  });

  it("removes one key from a file holding several, keeping the others", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "alice", alice);
    await writeFile(join(dir, "recipients", "team.asc"), `${bob.publicArmored}\n${carl.publicArmored}`);
    const env = await keyEnv(dir, alice);
    const s = openSecretsStore(dir, { env });
    await s.set(I, "K", "multi-key-value-1");
    await s.save();
    expect(await openSecretsStore(dir, { env: await keyEnv(dir, carl) }).get(I, "K")).toBe("multi-key-value-1");

    await openSecretsStore(dir, { env }).removeRecipient(carl.fingerprint);
    const left = (await openSecretsStore(dir, { env }).listRecipients()).map((r) => [r.fingerprint, r.file]);
    expect(left).toEqual([
      [alice.fingerprint, "recipients/alice.asc"],
      [bob.fingerprint, "recipients/team.asc"],
    ]);
    expect(await readFile(join(dir, "recipients", "team.asc"), "utf8")).not.toBe("");
    await expect(openSecretsStore(dir, { env: await keyEnv(dir, carl) }).get(I, "K")).rejects.toMatchObject({ code: "E_SECRETS" });
    expect(await openSecretsStore(dir, { env: await keyEnv(dir, bob) }).get(I, "K")).toBe("multi-key-value-1");
  });
});
