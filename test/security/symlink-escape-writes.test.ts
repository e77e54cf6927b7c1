// A symbolic link inside a project must not make meshroom write outside it: `add` through a
// symlinked instances/<product> folder, `plug` through a symlinked plugs/ (or plugs/<dst>)
// folder, `create integration` through a symlinked integrations/ folder. Each is refused, naming the
// path and where it points, and nothing appears outside the project.
import { mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";

let p: E2EProject;
let outside: string;

beforeAll(async () => {
  p = await E2EProject.create({
    edr: "produces:\n  events: [{}]\n",
    siem: "consumes:\n  events: [{}]\n",
  });
  // a hook owning both sides: plugging edr -[events]-> siem needs nothing else
  p.write("products/edr/hooks.ts", `import { setupProducer } from "meshroom/hooks";\nsetupProducer("events", async () => ({ outputs: {} }), { ownsBoth: true });\n`);
  outside = join(dirname(p.root), "outside");
});
afterAll(() => p?.dispose());

beforeEach(() => {
  rmSync(outside, { recursive: true, force: true });
  mkdirSync(outside);
});

/** Every path under `dir`, to show that nothing was written there. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

function linkTo(rel: string, target: string): void {
  p.remove(rel);
  mkdirSync(dirname(p.path(rel)), { recursive: true });
  symlinkSync(target, p.path(rel));
}

describe("writes through a symbolic link leading out of the project", () => {
  it("add refuses a symlinked instances/<product> folder", async () => {
    linkTo("instances/edr", outside);
    const r = await p.run(["add", "edr", "edr1"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("instances/edr/edr1/config.yaml");
    expect(r.stderr).toContain(`resolves to ${outside}`);
    expect(r.stderr).toMatch(/outside the project/);
    expect(filesUnder(outside)).toEqual([]);
    p.remove("instances/edr");
  });

  it("plug refuses a symlinked plugs/ folder and a symlinked plugs/<destination> folder", async () => {
    await p.ok(["add", "edr", "edr2"]);
    await p.ok(["add", "siem", "siem2"]);
    linkTo("instances/edr/edr2/plugs", outside);
    const r = await p.run(["plug", "events", "edr2", "siem2"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to write instances\/edr\/edr2\/plugs\/siem2\/events\.yaml: it resolves to .*outside the project/);
    expect(filesUnder(outside)).toEqual([]);

    p.remove("instances/edr/edr2/plugs");
    linkTo("instances/edr/edr2/plugs/siem2", outside);
    const again = await p.run(["plug", "events", "edr2", "siem2"]);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toMatch(/outside the project/);
    expect(filesUnder(outside)).toEqual([]);
    p.remove("instances/edr/edr2/plugs");
  });

  it("create integration refuses a symlinked products/<product>/integrations folder", async () => {
    linkTo("products/edr/integrations", outside);
    const r = await p.run(["create", "integration", "edr", "siem", "events", "producer"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/outside the project/);
    expect(filesUnder(outside)).toEqual([]);
    p.remove("products/edr/integrations");
  });

  it("a symbolic link that stays inside the project is followed", async () => {
    mkdirSync(p.path("shared-instances"), { recursive: true });
    linkTo("instances/siem", join(p.root, "shared-instances"));
    await p.ok(["add", "siem", "siem9"]);
    expect(filesUnder(p.path("shared-instances"))).toContain(join("siem9", "config.yaml"));
  });
});
