import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { beforeAll, describe, expect, it, afterAll } from "vitest";
import { main } from "../../src/cli/main.js";
import { addRecipientFileRaw, keyEnv, makeKey, tempDir, type TestKey, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with piped (non-TTY) streams. `stdin: "open"` never ends, like an idle pipe. */
async function run(args: string[], env: NodeJS.ProcessEnv, stdin: string | "open" = ""): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => (stdout += c.toString()));
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const input = stdin === "open" ? new PassThrough() : Readable.from([Buffer.from(stdin)]);
  const code = await main(args, { stdin: input, stdout: out, stderr: err, env });
  return { code, stdout, stderr };
}

let alice: TestKey;
beforeAll(async () => {
  alice = await makeKey("Alice", "alice pass");
});

describe("meshroom secrets (CLI)", () => {
  it("init generates a key in the config dir, exports it to recipients/, and set/get/list/rm work", async () => {
    const dir = await tempDir();
    const env = { XDG_CONFIG_HOME: join(dir, "cfg"), MESHROOM_PASSPHRASE: "pw-1" };
    const init = await run(["-p", dir, "secrets", "init", "--name", "Zoe Q", "--email", "zoe@example.test"], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/Generated a new key [0-9A-F]{40}/);
    expect(await readdir(join(dir, "recipients"))).toEqual(["zoe-q.asc"]);
    const keyFile = join(dir, "cfg", "meshroom", "private-key.asc");
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).not.toContain("private-key.asc");

    const again = await run(["-p", dir, "secrets", "init"], env);
    expect(again.stdout).toMatch(/Using the key .*\n.*Already a recipient: recipients\/zoe-q\.asc/);

    expect((await run(["-p", dir, "secrets", "set", "instance:sekoia", "API_KEY"], env, "cli-secret-5150\n")).code).toBe(0);
    expect((await run(["-p", dir, "secrets", "set", "plug:sekoia.edr.events.push", "intake_key"], env, "k-9999")).code).toBe(0);
    expect(await readFile(join(dir, "secrets.gpg"), "utf8")).not.toContain("cli-secret-5150");

    const got = await run(["-p", dir, "secrets", "get", "instance:sekoia", "API_KEY"], env);
    expect(got).toMatchObject({ code: 0, stdout: "cli-secret-5150\n" });

    const list = await run(["-p", dir, "secrets", "list", "--json"], env);
    expect(JSON.parse(list.stdout)).toEqual({
      secrets: [
        { scope: { instance: "sekoia" }, name: "API_KEY" },
        { scope: { plug: "plug.sekoia.edr.events.push" }, name: "intake_key" },
      ],
    });
    const human = await run(["-p", dir, "secrets", "list"], env);
    expect(human.stdout).toBe("instance:sekoia  API_KEY\nplug:plug.sekoia.edr.events.push  intake_key\n");

    expect((await run(["-p", dir, "secrets", "rm", "instance:sekoia", "API_KEY"], env)).code).toBe(0);
    const missing = await run(["-p", dir, "secrets", "get", "instance:sekoia", "API_KEY"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no secret API_KEY for instance:sekoia/);
  });

  it("without a TTY and without MESHROOM_PASSPHRASE, an encrypted key is a clear error, not a hang", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "alice", alice);
    const withPass = await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" });
    expect((await run(["-p", dir, "secrets", "set", "instance:x", "TOKEN"], withPass, "tty-test-value")).code).toBe(0);
    const before = await readFile(join(dir, "secrets.gpg"));

    const noPass = await keyEnv(dir, alice);
    const started = Date.now();
    const r = await run(["-p", dir, "secrets", "get", "instance:x", "TOKEN"], noPass, "open");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/protected by a passphrase.*\n.*MESHROOM_PASSPHRASE/);

    const wrong = await run(["-p", dir, "secrets", "set", "instance:x", "TOKEN"], { ...noPass, MESHROOM_PASSPHRASE: "bad" }, "new-value");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    expect((await readFile(join(dir, "secrets.gpg"))).equals(before)).toBe(true);
  });

  it("rejects a bad scope, an empty value and lists/removes recipients", async () => {
    const dir = await tempDir();
    await addRecipientFileRaw(dir, "alice", alice);
    const env = await keyEnv(dir, alice, { MESHROOM_PASSPHRASE: "alice pass" });
    const bad = await run(["-p", dir, "secrets", "set", "sekoia", "API_KEY"], env, "v");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid secret scope "sekoia"/);
    const empty = await run(["-p", dir, "secrets", "set", "instance:x", "API_KEY"], env, "\n");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no value given for API_KEY/);

    const list = await run(["-p", dir, "secrets", "recipients", "list", "--json"], env);
    expect(JSON.parse(list.stdout).recipients).toEqual([
      { fingerprint: alice.fingerprint, userIds: ["Alice <alice@example.test>"], file: "recipients/alice.asc" },
    ]);
    const last = await run(["-p", dir, "secrets", "recipients", "remove", alice.fingerprint], env);
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last recipient/);
    const unknown = await run(["-p", dir, "secrets", "recipients", "remove", "DEADBEEFDEADBEEF"], env);
    expect(unknown.stderr).toMatch(/no recipient has the fingerprint/);
  });
});
