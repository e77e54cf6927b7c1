// The README's tour runs as written (issue 20, item 1): every line of the ```sh blocks under
// "## A tour of the commands" is run verbatim by bash, in order, in an empty temp dir, with the
// built CLI on PATH as `meshroom` (what `npm link` gives) and the non-interactive values in the
// environment variables the README names. A line whose comment says `fails: "TEXT"` must exit
// non-zero with TEXT on stderr; every other line must succeed.
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readme, sectionCommands } from "../support/readme.js";
import { BIN, assertBuilt } from "./helpers.js";

const README = readme();

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("README tour", () => {
  it("names the environment variables the test gives it", () => {
    for (const name of ["MESHROOM_PASSPHRASE", "SIEM_KEY"]) expect(README).toMatch(new RegExp(`A tour of the commands[\\s\\S]*\`${name}\``));
  });

  it("runs verbatim in an empty directory", async () => {
    assertBuilt();
    const lines = sectionCommands(README, "A tour of the commands");
    expect(lines.length).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), "mr-tour-"));
    dirs.push(dir);
    const bin = join(dir, "bin");
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, "meshroom"));
    const work = join(dir, "work");
    mkdirSync(work);
    const env = {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      HOME: join(dir, "home"), XDG_CONFIG_HOME: join(dir, "config"), XDG_CACHE_HOME: join(dir, "cache"), GNUPGHOME: join(dir, "gnupg"),
      CI: "true", NO_COLOR: "1",
      GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test",
      MESHROOM_PASSPHRASE: "tour passphrase", SIEM_KEY: "siem-api-key-4242",
    };
    let cwd = work;
    const cwdFile = join(dir, "cwd");
    const transcript: string[] = [];
    for (const line of lines) {
      // one bash per line, so each line's exit code is checked; `cd` carries over through cwdFile
      const r = await execa("bash", ["-c", `${line}\nrc=$?\npwd > ${JSON.stringify(cwdFile)}\nexit $rc`], { cwd, env, extendEnv: false, reject: false, stdin: "ignore", timeout: 60_000 });
      cwd = readFileSync(cwdFile, "utf8").trim();
      transcript.push(`$ ${line}\n${String(r.stdout)}\n${String(r.stderr)}`);
      const fails = /#\s*fails:\s*"([^"]+)"/.exec(line);
      const context = transcript.join("\n");
      if (fails) {
        expect(r.exitCode, context).not.toBe(0);
        expect(String(r.stderr), context).toContain(fails[1]);
      } else {
        expect(r.exitCode, context).toBe(0);
      }
    }
    const all = transcript.join("\n");
    expect(all).toContain("Plugged edr1 -[events]-> siem1");
    expect(all).toContain("Destroy complete!");
    expect(all).not.toContain("siem-api-key-4242");
    expect(cwd).toBe(join(work, "soc"));
  }, 300_000);
});
