// The state, its lock, the selected-workspace file and the secrets store are project files too:
// a symbolic link sending one of them out of the project is refused, nothing is written outside,
// and nothing of the file it points to is shown (`.meshroom/workspace -> a secret file` used to
// print its whole content as "names an invalid workspace").
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";

let p: E2EProject;
let outside: string;
const SHADOW = "root:$6$Zq8.secret.hash:19000:0:99999:7:::\n";

beforeAll(async () => {
  p = await E2EProject.create({ edr: "produces:\n  events: [{}]\n" });
  outside = join(dirname(p.root), "outside");
});
afterAll(() => p?.dispose());

const undo: Array<() => void> = [];
afterEach(() => {
  for (const u of undo.splice(0).reverse()) u();
  rmSync(outside, { recursive: true, force: true });
});

function setUp(): void {
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "shadow"), SHADOW);
}

/** Moves `rel` aside and puts a symbolic link to `target` in its place, for one test. */
function linkTo(rel: string, target: string): void {
  const f = p.path(rel);
  const aside = `${f}.aside`;
  let moved = false;
  try {
    rmSync(aside, { recursive: true, force: true });
    renameSync(f, aside);
    moved = true;
  } catch {
    // nothing there
  }
  symlinkSync(target, f);
  undo.push(() => {
    rmSync(f, { force: true });
    if (moved) renameSync(aside, f);
  });
}

describe("state and secrets files through a symbolic link leading out of the project", () => {
  it("a .meshroom folder linked outside: apply refuses, no lock or state written there", async () => {
    setUp();
    linkTo(".meshroom", outside);
    const r = await p.run(["apply", "--auto-approve"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to \w+[\w ]* \.meshroom\/\S+: it resolves to .*outside the project/);
    expect(readdirSync(outside)).toEqual(["shadow"]);
  });

  it("meshroom.state.json linked to a file outside: refused, its content not shown", async () => {
    setUp();
    linkTo("meshroom.state.json", join(outside, "shadow"));
    const r = await p.run(["state", "list"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to use the state file meshroom\.state\.json: it resolves to .*shadow, outside the project/);
    expect(r.stdout + r.stderr).not.toMatch(/Zq8|secret\.hash/);
  });

  it(".meshroom/workspace linked to a file outside: refused, its content not shown", async () => {
    setUp();
    mkdirSync(p.path(".meshroom"), { recursive: true });
    linkTo(".meshroom/workspace", join(outside, "shadow"));
    const r = await p.run(["state", "list"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/outside the project/);
    expect(r.stdout + r.stderr).not.toMatch(/Zq8|secret\.hash/);
  });

  it("secrets.gpg linked outside: secrets commands refuse it", async () => {
    setUp();
    linkTo("secrets.gpg", join(outside, "secrets.gpg"));
    const r = await p.run(["secrets", "list"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to use the secrets file secrets\.gpg: it resolves to .*outside the project/);
    expect(readdirSync(outside)).toEqual(["shadow"]);
  });
});
