import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi, afterAll } from "vitest";
import * as openpgp from "openpgp";
import { openSecretsStore } from "../../src/secrets/index.js";
import { redactText } from "../../src/util/redact.js";
import { addRecipientFileRaw, keyEnv, makeKey, tempDir, type TestKey, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/secrets/openpgp.js", async (orig) => {
  const real = await orig<typeof import("../../src/secrets/openpgp.js")>();
  return { loadOpenPGP: () => (loads.count++, real.loadOpenPGP()) };
});

let alice: TestKey;
let bob: TestKey;
beforeAll(async () => {
  [alice, bob] = await Promise.all([makeKey("Alice", "alice pass"), makeKey("Bob")]);
});

async function project(...keys: [string, TestKey][]): Promise<string> {
  const dir = await tempDir();
  for (const [n, k] of keys) await addRecipientFileRaw(dir, n, k);
  return dir;
}

const I = { instance: "sekoia" };

describe("secrets store", () => {
  it("reads an empty project as empty without loading openpgp or needing a key", async () => {
    const dir = await project();
    loads.count = 0;
    const store = openSecretsStore(dir, { env: { MESHROOM_GPG_KEY: join(dir, "missing.asc") } });
    expect(await store.list()).toEqual([]);
    expect(await store.get(I, "API_KEY")).toBeUndefined();
    expect(await store.hmac(I, "API_KEY")).toBeUndefined();
    await store.save();
    expect(loads.count).toBe(0);
  });

  it("round-trips secrets through secrets.gpg, an armored message that does not contain them", async () => {
    const dir = await project(["bob", bob]);
    const env = await keyEnv(dir, bob);
    const s1 = openSecretsStore(dir, { env });
    await s1.set(I, "API_KEY", "sk-live-1234567890");
    await s1.set({ plug: "plug.edr.siem.events.push" }, "intake_key", "intake-abcdef");
    expect(s1.dirty).toBe(true);
    await s1.save();
    expect(s1.dirty).toBe(false);
    const text = await readFile(join(dir, "secrets.gpg"), "utf8");
    expect(text.startsWith("-----BEGIN PGP MESSAGE-----")).toBe(true);
    expect(text).not.toContain("sk-live");

    const s2 = openSecretsStore(dir, { env });
    expect(await s2.get(I, "API_KEY")).toBe("sk-live-1234567890");
    expect(await s2.list()).toEqual([
      { scope: I, name: "API_KEY" },
      { scope: { plug: "plug.edr.siem.events.push" }, name: "intake_key" },
    ]);
    expect(await s2.delete(I, "API_KEY")).toBe(true);
    expect(await s2.deleteScope({ plug: "plug.edr.siem.events.push" })).toBe(true);
    await s2.save();
    expect(await openSecretsStore(dir, { env }).list()).toEqual([]);
  });

  it("registers every value it decrypts or is given for redaction", async () => {
    const dir = await project(["bob", bob]);
    const env = await keyEnv(dir, bob);
    const s1 = openSecretsStore(dir, { env });
    await s1.set(I, "TOKEN", "given-value-7f3a");
    await s1.save();
    expect(redactText("x given-value-7f3a y")).toBe("x (sensitive value) y");
    // a value written by someone else is registered as soon as the store is decrypted
    const doc = { instances: { other: { K: "decrypted-only-91b2" } }, plugs: {}, meta: {} };
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: JSON.stringify(doc) }),
      encryptionKeys: await openpgp.readKey({ armoredKey: bob.publicArmored }),
    });
    await writeFile(join(dir, "secrets.gpg"), msg);
    await openSecretsStore(dir, { env }).list();
    expect(redactText("decrypted-only-91b2")).toBe("(sensitive value)");
  });

  it("unlocks a passphrase-protected key from MESHROOM_PASSPHRASE or the prompt", async () => {
    const dir = await project(["alice", alice]);
    await openSecretsStore(dir, { env: {} }).set(I, "A", "value-aaaa"); // empty: no key needed
    const w = openSecretsStore(dir, { env: await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" }) });
    await w.set(I, "A", "value-aaaa");
    await w.save();
    expect(await openSecretsStore(dir, { env: await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" }) }).get(I, "A")).toBe("value-aaaa");
    const prompt = vi.fn(async () => "alice pass");
    expect(await openSecretsStore(dir, { env: await keyEnv(dir, alice), promptPassphrase: prompt }).get(I, "A")).toBe("value-aaaa");
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it("fails at once with E_SECRETS when the key is protected and there is neither passphrase nor prompt", async () => {
    const dir = await project(["alice", alice]);
    const w = openSecretsStore(dir, { env: await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" }) });
    await w.set(I, "A", "value-bbbb");
    await w.save();
    const started = Date.now();
    await expect(openSecretsStore(dir, { env: await keyEnv(dir, alice) }).get(I, "A")).rejects.toMatchObject({
      code: "E_SECRETS",
      message: expect.stringMatching(/passphrase/),
      detail: expect.stringMatching(/MESHROOM_PASSPHRASE/),
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("leaves secrets.gpg byte-identical after a wrong passphrase or a key that is not a recipient", async () => {
    const dir = await project(["alice", alice]);
    const w = openSecretsStore(dir, { env: await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" }) });
    await w.set(I, "A", "value-cccc");
    await w.save();
    const before = await readFile(join(dir, "secrets.gpg"));

    const wrong = openSecretsStore(dir, { env: await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "nope" }) });
    await expect(wrong.set(I, "A", "other-value")).rejects.toMatchObject({ code: "E_SECRETS", message: /wrong passphrase/ });
    expect(wrong.dirty).toBe(false);
    await wrong.save(); // nothing was changed, so nothing is written

    const stranger = openSecretsStore(dir, { env: await keyEnv(dir, bob) });
    await expect(stranger.set(I, "A", "other-value")).rejects.toMatchObject({ code: "E_SECRETS", message: /not encrypted to your key/ });
    expect((await readFile(join(dir, "secrets.gpg"))).equals(before)).toBe(true);
  });

  it("refuses to save without recipients, naming the commands that add one", async () => {
    const empty = await project();
    const s = openSecretsStore(empty, { env: {} });
    await s.set(I, "A", "value-dddd");
    await expect(s.save()).rejects.toMatchObject({ code: "E_SECRETS", message: /no public key/, detail: /meshroom secrets init.*meshroom secrets recipients add/ });
  });

  it("merges a save onto what another writer stored meanwhile: other keys survive, the same key is last-writer-wins", async () => {
    const dir = await project(["bob", bob]);
    const env = await keyEnv(dir, bob);
    const a = openSecretsStore(dir, { env });
    const b = openSecretsStore(dir, { env });
    await a.list();
    await b.list();
    await a.set(I, "A", "value-eeee");
    await a.set(I, "SAME", "from-a");
    await a.save();
    await b.set(I, "B", "value-ffff");
    await b.set(I, "SAME", "from-b");
    await b.delete(I, "NEVER-SET");
    await b.save();
    const fresh = openSecretsStore(dir, { env });
    expect(await fresh.get(I, "A")).toBe("value-eeee");
    expect(await fresh.get(I, "B")).toBe("value-ffff");
    expect(await fresh.get(I, "SAME")).toBe("from-b");
    // b's working copy now shows a's write too
    expect(await b.get(I, "A")).toBe("value-eeee");
    // a deletion replays as a deletion of that key only
    await a.delete(I, "A");
    await a.save();
    expect(await openSecretsStore(dir, { env }).list()).toEqual([
      { scope: I, name: "B" },
      { scope: I, name: "SAME" },
    ]);
  });

  it("concurrent saves of one store (parallel hooks) all land", async () => {
    const dir = await project(["bob", bob]);
    const env = await keyEnv(dir, bob);
    const s = openSecretsStore(dir, { env });
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        await s.set({ plug: `plug.p${i}` }, "token", `tok-${i}-zz`);
        await s.save();
      }),
    );
    expect(s.dirty).toBe(false);
    const fresh = openSecretsStore(dir, { env });
    for (let i = 0; i < 6; i++) expect(await fresh.get({ plug: `plug.p${i}` }, "token")).toBe(`tok-${i}-zz`);
  });

  it("computes a keyed HMAC: stable, changes with the value, differs per project, is not sha256(value)", async () => {
    const dir = await project(["bob", bob]);
    const env = await keyEnv(dir, bob);
    const s = openSecretsStore(dir, { env });
    await s.set(I, "API_KEY", "hmac-value-1");
    await s.save();
    const h1 = await openSecretsStore(dir, { env }).hmac(I, "API_KEY");
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(await openSecretsStore(dir, { env }).hmac(I, "API_KEY")).toBe(h1);
    expect(h1).not.toBe(createHash("sha256").update("hmac-value-1").digest("hex"));

    const s2 = openSecretsStore(dir, { env });
    await s2.set(I, "API_KEY", "hmac-value-2");
    expect(await s2.hmac(I, "API_KEY")).not.toBe(h1);

    const other = await project(["bob", bob]);
    const s3 = openSecretsStore(other, { env });
    await s3.set(I, "API_KEY", "hmac-value-1");
    expect(await s3.hmac(I, "API_KEY")).not.toBe(h1);
  });
});
