/**
 * Issue 20 item 11: `secrets: { gnupg: true }` in meshroom.yaml decrypts secrets.gpg with the
 * user's own GnuPG (the `gpg` program, a keyring in a temporary GNUPGHOME and its real gpg-agent),
 * driven through the real binary. A `gpg` wrapper first on PATH logs every command line, to show
 * that no passphrase and no secret value is ever on one.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { initProject, meshroom, ok, tempDir } from "../cli/helpers.js";
import { GpgHome, removeTempDirs, type TestKey } from "./helpers.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const GPG = ["/usr/bin/gpg", "/usr/local/bin/gpg"].find((p) => existsSync(p));
if (!GPG && process.env.CI) throw new Error("gpg is not installed: .ci/run installs the gnupg package");

let home: GpgHome;
let other: GpgHome;
let gina: TestKey;
let wrapDir: string;
let argvLog: string;
afterAll(async () => {
  await home?.close();
  await other?.close();
  await removeTempDirs();
});

describe.skipIf(!GPG)("secrets through the user's GnuPG keyring and agent", () => {
  beforeAll(async () => {
    [home, other] = await Promise.all([GpgHome.create(), GpgHome.create()]);
    [gina] = await Promise.all([home.genKey("Gina <gina@example.test>", "gina pass"), other.genKey("Otto <otto@example.test>", "")]);
    wrapDir = tempDir("mr-gpgwrap-");
    argvLog = join(wrapDir, "argv.log");
    writeFileSync(
      join(wrapDir, "gpg"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\n[ -n "$MESHROOM_PASSPHRASE" ] && echo "MESHROOM_PASSPHRASE in gpg's environment" >> '${argvLog}'\nexec '${GPG}' "$@"\n`,
    );
    chmodSync(join(wrapDir, "gpg"), 0o755);
  });

  const env = (gnupgHome: string, extra: NodeJS.ProcessEnv = {}) => ({ GNUPGHOME: gnupgHome, PATH: `${wrapDir}:${process.env.PATH ?? ""}`, ...extra });

  it("init exports the keyring's key to recipients/; set, get and plan decrypt through gpg-agent", async () => {
    const root = await initProject();
    writeFileSync(join(root, "meshroom.yaml"), `${readFileSync(join(root, "meshroom.yaml"), "utf8")}secrets: { gnupg: true }\n`);

    const init = await ok(["-p", root, "secrets", "init", "--name", "gina"], { env: env(home.dir) });
    expect(init.stdout).toContain(`Using the key ${gina.fingerprint} from GnuPG keyring (${home.dir})`);
    expect(init.stdout).not.toContain("Generated");
    expect(readdirSync(join(root, "recipients")).filter((f) => f.endsWith(".asc"))).toEqual(["gina.asc"]);
    expect(readFileSync(join(root, "recipients/gina.asc"), "utf8")).not.toContain("PRIVATE KEY");

    // the first value needs no decryption; the second one does, with the passphrase handed to the agent (loopback)
    await ok(["-p", root, "secrets", "set", "instance:siem", "API_KEY"], { env: env(home.dir), input: "first-secret-7781\n" });
    await ok(["-p", root, "secrets", "set", "instance:siem", "TOKEN"], { env: env(home.dir, { MESHROOM_PASSPHRASE: "gina pass" }), input: "second-secret-9923\n" });

    // the agent now holds the unlocked key: no passphrase needed, no terminal, nothing prompted
    const get = await ok(["-p", root, "secrets", "get", "instance:siem", "API_KEY"], { env: env(home.dir) });
    expect(get.stdout).toBe("first-secret-7781");
    expect((await ok(["-p", root, "secrets", "list"], { env: env(home.dir) })).stdout).toContain("instance:siem  TOKEN");

    // the engine opens the store the same way: plan reads the instance's secret (its HMAC) through the agent
    await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"], { env: env(home.dir) });
    await ok(["-p", root, "add", "mysiem", "siem", "-c", "API_URL=https://siem.example", "-s", "API_KEY"], { env: env(home.dir), input: "first-secret-7781\n" });
    const plan = await ok(["-p", root, "plan"], { env: env(home.dir) });
    expect(plan.stdout).toContain("instance.siem");
    expect(plan.stdout).not.toContain("first-secret-7781");

    // the store is an ordinary OpenPGP message to the keyring's key
    const plain = await home.decrypt(join(root, "secrets.gpg"), "gina pass");
    expect(plain.ok, plain.stderr).toBe(true);
    expect(JSON.parse(plain.stdout).instances.siem).toEqual({ API_KEY: "first-secret-7781", TOKEN: "second-secret-9923" });

    // once the agent forgets the passphrase, a run without a terminal fails at once and says what to do
    execFileSync("gpgconf", ["--reload", "gpg-agent"], { env: { ...process.env, GNUPGHOME: home.dir } });
    const locked = await meshroom(["-p", root, "secrets", "get", "instance:siem", "API_KEY"], { env: env(home.dir) });
    expect(locked.code).toBe(1);
    expect(locked.stdout).toBe("");
    expect(locked.stderr).toContain("gpg needs the passphrase (or PIN) of your key to decrypt secrets.gpg, and no terminal is attached to ask for it");
    expect(locked.stderr).toContain("MESHROOM_PASSPHRASE");

    const wrong = await meshroom(["-p", root, "secrets", "get", "instance:siem", "API_KEY"], { env: env(home.dir, { MESHROOM_PASSPHRASE: "not it" }) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("wrong passphrase for your GnuPG key (decrypting secrets.gpg)");

    // someone whose keyring holds no recipient key
    const stranger = await meshroom(["-p", root, "secrets", "get", "instance:siem", "API_KEY"], { env: env(other.dir) });
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain("secrets.gpg is not encrypted to any secret key in your GnuPG keyring");

    // gpg ran, and never with a secret or the passphrase on its command line
    const argv = readFileSync(argvLog, "utf8");
    expect(argv).toContain("--decrypt");
    for (const s of ["gina pass", "not it", "first-secret-7781", "second-secret-9923"]) expect(argv).not.toContain(s);
    expect(argv).not.toContain("MESHROOM_PASSPHRASE in gpg's environment"); // nor in its environment (a gpg-agent it starts keeps it)
    // no private key file was generated or needed
    expect(readdirSync(root)).not.toContain("private-key.asc");
  });

  it("init names the keys when the keyring holds several and no --key says which", async () => {
    const root = await initProject();
    writeFileSync(join(root, "meshroom.yaml"), `${readFileSync(join(root, "meshroom.yaml"), "utf8")}secrets: { gnupg: true }\n`);
    const second = await home.genKey("Gina Work <gina@work.example>", "");
    const r = await meshroom(["-p", root, "secrets", "init"], { env: env(home.dir) });
    expect(r.code).toBe(2); // a usage error: say which key
    expect(r.stderr).toContain("your GnuPG keyring holds 2 secret keys");
    expect(r.stderr).toContain(second.fingerprint);
    const picked = await ok(["-p", root, "secrets", "init", "--key", second.fingerprint], { env: env(home.dir) });
    expect(picked.stdout).toContain(`Using the key ${second.fingerprint}`);
  });
});
