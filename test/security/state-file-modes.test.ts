// Attack: meshroom.state.json records what hooks returned (outputs: URLs, ids, sometimes a
// token in a form redaction did not know). It, its backup, the errored copy and saved plans
// were written 0644 — readable by every local user — and the .gitignore that `init` writes
// did not list the state, so `git add -A && git commit` published it. Now those files are
// 0600 from the moment they are created (and an older 0644 file is narrowed on the next
// write), and `init` ignores the local state files.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyStateFile, LocalBackend } from "../../src/state/index.js";
import { BIN, assertBuilt } from "../e2e/helpers.js";
import { expectCode, resource, stateWith } from "../state/conformance.js";

const base = mkdtempSync(join(tmpdir(), "mr-modes-"));
const root = join(base, "proj");
const ENV = { PATH: process.env.PATH ?? "", HOME: join(base, "home"), CI: "true", NO_COLOR: "1" };

async function ok(args: string[], cwd = root): Promise<string> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd, reject: false, timeout: 60_000, extendEnv: false, env: ENV });
  if (r.exitCode !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}
const mode = (rel: string) => statSync(join(root, rel)).mode & 0o777;
const git = async (...args: string[]) => String((await execa("git", ["-C", root, ...args], { env: { ...ENV, GIT_CONFIG_NOSYSTEM: "1" } })).stdout);

beforeAll(async () => {
  assertBuilt();
  mkdirSync(root, { recursive: true });
  await ok(["init", "."]);
  mkdirSync(join(root, "products", "svc"), { recursive: true });
  writeFileSync(join(root, "products", "svc", "definition.yaml"), "name: svc\nsettings:\n  - { name: url, default: https://svc.example }\n");
  await ok(["add", "svc", "one"]);
}, 60_000);

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("local state files are readable by their owner only", () => {
  it("meshroom.state.json and its backup are 0600, also when an older meshroom left them 0644", async () => {
    await ok(["apply", "--auto-approve"]);
    expect(mode("meshroom.state.json").toString(8)).toBe("600");
    chmodSync(join(root, "meshroom.state.json"), 0o644); // as an older meshroom wrote it
    await ok(["add", "svc", "two"]);
    await ok(["apply", "--auto-approve"]);
    expect(mode("meshroom.state.json").toString(8)).toBe("600");
    expect(mode("meshroom.state.json.backup").toString(8)).toBe("600");
  });

  it("a saved plan (`plan -o FILE`) is 0600, also when it replaces a 0644 file", async () => {
    await ok(["add", "svc", "three"]);
    writeFileSync(join(root, "next.plan"), "old");
    chmodSync(join(root, "next.plan"), 0o644);
    await ok(["plan", "-o", "next.plan"]);
    expect(mode("next.plan").toString(8)).toBe("600");
  });

  it("meshroom.state.errored.json (a state that could not be saved) is 0600, also over an older 0644 copy", async () => {
    const dir = mkdtempSync(join(base, "errored-"));
    mkdirSync(join(dir, "meshroom.state.json")); // a directory where the file should be: the write fails
    writeFileSync(join(dir, "meshroom.state.errored.json"), "{}");
    chmodSync(join(dir, "meshroom.state.errored.json"), 0o644);
    const store = new LocalBackend(dir).store();
    await expectCode(store.write(stateWith(emptyStateFile(), resource("instance.a"))), "E_STATE_WRITE");
    expect((statSync(join(dir, "meshroom.state.errored.json")).mode & 0o777).toString(8)).toBe("600");
    rmSync(join(dir, "meshroom.state.errored.json"));
    expect(() => store.writeSync(stateWith(emptyStateFile(), resource("instance.a")))).toThrow(/errored/);
    expect((statSync(join(dir, "meshroom.state.errored.json")).mode & 0o777).toString(8)).toBe("600");
  });
});

describe("`meshroom init` keeps the local state out of git", () => {
  it("git sees the project's files, not the state, its backup, the errored copy or .meshroom/", async () => {
    writeFileSync(join(root, "meshroom.state.errored.json"), "{}");
    const untracked = (await git("status", "--porcelain", "--untracked-files=all")).split("\n").map((l) => l.slice(3));
    expect(untracked).toContain("meshroom.yaml");
    expect(untracked).toContain("instances/svc/one/config.yaml");
    for (const f of ["meshroom.state.json", "meshroom.state.json.backup", "meshroom.state.errored.json"]) expect(untracked).not.toContain(f);
    expect(untracked.filter((f) => f.startsWith(".meshroom/"))).toEqual([]);
    expect(await git("check-ignore", "meshroom.state.json", "meshroom.state.json.backup", "meshroom.state.errored.json", ".meshroom/state.lock"))
      .toBe("meshroom.state.json\nmeshroom.state.json.backup\nmeshroom.state.errored.json\n.meshroom/state.lock");
  });
});
