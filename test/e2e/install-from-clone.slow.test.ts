// The README's way to get `meshroom` on PATH works from a fresh clone (issue 20, item 2): the
// lines of "## Get the `meshroom` command" run verbatim in a `git clone` of this repository, with
// npm's global prefix in a temp dir (so nothing is installed on the machine), and the
// `meshroom --version` they end with prints this package's version.
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, readme, sectionCommands } from "../support/readme.js";

const dir = mkdtempSync(join(tmpdir(), "mr-clone-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("meshroom on PATH from a fresh clone", () => {
  it("runs the README's install lines and `meshroom --version` answers", async () => {
    const clone = join(dir, "meshroom");
    await execa("git", ["clone", "--quiet", REPO_ROOT, clone]);
    const prefix = join(dir, "npm-global");
    mkdirSync(prefix);
    const env = {
      PATH: `${join(prefix, "bin")}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? dir, // npm's download cache is reused
      npm_config_prefix: prefix, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false",
    };
    const version = (JSON.parse(readFileSync(join(clone, "package.json"), "utf8")) as { version: string }).version;
    const lines = sectionCommands(readme(), "Get the `meshroom` command");
    let last = "";
    for (const line of lines) {
      const r = await execa("bash", ["-c", line], { cwd: clone, env, extendEnv: false, reject: false, timeout: 900_000 });
      expect(r.exitCode, `${line}\n${String(r.stdout)}\n${String(r.stderr)}`).toBe(0);
      last = String(r.stdout).trim();
    }
    expect(last).toBe(version);
    // the command on PATH is the clone's (npm link), not a registry package
    const which = await execa("bash", ["-c", "readlink -f \"$(command -v meshroom)\""], { env, extendEnv: false });
    expect(String(which.stdout)).toBe(join(clone, "bin/meshroom.js"));
  }, 1_200_000);
});
