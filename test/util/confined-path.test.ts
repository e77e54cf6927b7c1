import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertInProject, escapeOf, prepareProjectWrite } from "../../src/util/confined-path.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** base/{proj,out}, with proj reached through a symlinked path (as /tmp on some systems). */
function layout(): { base: string; root: string; out: string } {
  const base = mkdtempSync(join(tmpdir(), "mr-confine-"));
  dirs.push(base);
  mkdirSync(join(base, "real-proj"));
  mkdirSync(join(base, "out"));
  symlinkSync(join(base, "real-proj"), join(base, "proj"));
  return { base, root: join(base, "proj"), out: join(base, "out") };
}

describe("project confinement", () => {
  it("accepts plain paths, paths not created yet, and links that stay inside (the root itself may be a link)", () => {
    const { root } = layout();
    expect(escapeOf(root, join(root, "instances/a/config.yaml"))).toBeUndefined();
    mkdirSync(join(root, "shared"));
    symlinkSync(join(root, "shared"), join(root, "linked"));
    expect(escapeOf(root, "linked/x/y.yaml")).toBeUndefined();
  });

  it("refuses a folder link, a file link and a dangling link leading out, naming the target", () => {
    const { root, out } = layout();
    symlinkSync(out, join(root, "instances"));
    expect(escapeOf(root, join(root, "instances/edr/e1/config.yaml"))).toBe(join(out, "edr/e1/config.yaml"));
    writeFileSync(join(out, "shadow"), "x");
    symlinkSync(join(out, "shadow"), join(root, "config.yaml"));
    expect(() => assertInProject(root, join(root, "config.yaml"), "read")).toThrow(`refusing to read config.yaml: it resolves to ${join(out, "shadow")}, outside the project`);
    symlinkSync("../out/not-yet", join(root, "dangling"));
    expect(escapeOf(root, join(root, "dangling"))).toBe(join(out, "not-yet"));
    symlinkSync(join(root, "loop"), join(root, "loop2"));
    symlinkSync(join(root, "loop2"), join(root, "loop"));
    expect(escapeOf(root, join(root, "loop/x"))).toBeDefined(); // a loop cannot be resolved: refused
  });

  it("creates the missing folders of a write and refuses one whose parent leads out", () => {
    const { root, out } = layout();
    expect(prepareProjectWrite(root, join(root, "a/b/c.yaml"))).toBe(join(root, "a/b/c.yaml"));
    symlinkSync(out, join(root, "plugs"));
    expect(() => prepareProjectWrite(root, join(root, "plugs/x/y.yaml"))).toThrow(/outside the project/);
    expect(() => prepareProjectWrite(root, join(root, "../escape.yaml"))).toThrow(/outside the project/);
  });
});
