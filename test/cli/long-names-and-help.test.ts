// Names over 255 bytes are refused by the name rule (a name error, before anything touches the
// disk; it was a raw ENAMETOOLONG), and the default hook timeout is shown in --help.
import { describe, expect, it } from "vitest";
import { initProject, meshroom, ok, snapshot } from "./helpers.js";

const LONG = "a".repeat(256);

describe("names longer than a file name may be", () => {
  it("add, create product and plug refuse them with a name error and write nothing", async () => {
    const root = await initProject();
    await ok(["-p", root, "create", "product", "edr"]);
    await ok(["-p", root, "add", "edr", "edr1"]);
    const before = snapshot(root);
    for (const args of [
      ["add", "edr", LONG],
      ["create", "product", LONG],
      ["plug", LONG, "edr1", "edr1"],
    ]) {
      const r = await meshroom(["-p", root, ...args]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/name: it is 256 bytes long, over the limit of 255/);
      expect(r.stderr).not.toMatch(/ENAMETOOLONG/);
      expect(r.stderr).not.toContain(LONG);
    }
    expect(snapshot(root)).toEqual(before);
    // 255 is still a valid name
    await ok(["-p", root, "add", "edr", "b".repeat(255)]);
  });
});

describe("--help", () => {
  it("shows the default hook timeout for the commands that run hooks", async () => {
    for (const cmd of ["apply", "destroy", "up", "down", "refresh"]) {
      const r = await ok([cmd, "--help"]);
      expect(r.stdout).toMatch(/each hook has 300 s \(5 min\) to finish by default/);
    }
  });
});
