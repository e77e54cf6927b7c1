import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withSecretsLock } from "../../src/secrets/store-lock.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const holder = (pid: number, id = "other-id") =>
  JSON.stringify({ id, pid, host: hostname(), who: "zoe@lab", created: "2026-01-01T00:00:00.000Z" });

describe("the secrets store lock", () => {
  it("is held (with pid and host) while the writer runs, and removed after", async () => {
    const dir = await tempDir();
    const seen = await withSecretsLock(dir, async () => JSON.parse(await readFile(join(dir, "secrets.gpg.lock"), "utf8")) as { pid: number; host: string });
    expect(seen).toMatchObject({ pid: process.pid, host: hostname() });
    expect(existsSync(join(dir, "secrets.gpg.lock"))).toBe(false);
  });

  it("serialises writers in one process", async () => {
    const dir = await tempDir();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withSecretsLock(dir, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it("breaks a lock left by a dead process of this host", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "secrets.gpg.lock"), holder(2 ** 22 + 12345));
    expect(await withSecretsLock(dir, async () => "ran", 1000)).toBe("ran");
  });

  it("gives up after the bounded wait, naming the holder and the lock file", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "secrets.gpg.lock"), holder(process.pid));
    let ran = false;
    const err = await withSecretsLock(dir, async () => (ran = true), 200).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(err).toMatchObject({ code: "E_SECRETS", message: new RegExp(`locked by zoe@lab \\(process ${process.pid} on `) });
    expect((err as { detail: string }).detail).toContain(join(dir, "secrets.gpg.lock"));
    expect(existsSync(join(dir, "secrets.gpg.lock"))).toBe(true); // someone else's lock is never removed
  });
});
