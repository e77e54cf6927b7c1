import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, hasStack, initProject, meshroom, ok } from "./helpers.js";

// each test spawns the real binary several times; a loaded machine needs room
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let root: string;
beforeAll(async () => {
  root = await initProject();
});

describe("exit codes, stderr and stack traces", () => {
  it("--version prints the package version", async () => {
    const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
    const r = await ok(["--version"]);
    expect(r.stdout.trim()).toBe(version);
  });

  it("--help works on the program and on subcommands", async () => {
    const top = await ok(["--help"]);
    expect(top.stdout).toMatch(/^Usage: meshroom/);
    for (const c of ["init", "validate", "list", "create", "add", "configure", "remove"]) expect(top.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, "m"));
    for (const sub of [["create", "product"], ["create", "integration"], ["list", "products"], ["add"], ["configure"], ["remove"], ["init"]]) {
      const r = await ok([...sub, "--help"]);
      expect(r.stdout, sub.join(" ")).toMatch(new RegExp(`^Usage: meshroom ${sub.join(" ")}`));
    }
    expect((await ok(["add", "--help"])).stdout).toContain("-c, --config <key=value>");
  });

  it("usage errors exit 2 with the message on stderr", async () => {
    for (const args of [["frobnicate"], ["list", "products", "--bogus"], ["create", "capability", "p"], ["add"], ["-p"]]) {
      const r = await meshroom(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/error: /);
      expect(r.stdout).toBe("");
      expect(hasStack(r.stderr)).toBe(false);
    }
  });

  it("errors go to stderr with exit 1 and no stack trace; --debug adds the stack", async () => {
    const r = await meshroom(["-p", root, "configure", "ghost", "-c", "a=b"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Error: instance ghost not found\nsee `meshroom list instances`$/);
    expect(hasStack(r.stderr)).toBe(false);
    const d = await meshroom(["--debug", "-p", root, "configure", "ghost", "-c", "a=b"]);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^Error: instance ghost not found/);
    expect(hasStack(d.stderr)).toBe(true);
  });

  it("a broken manifest is an error (exit 1) that names file, line and column, with no stack", async () => {
    const p = await initProject();
    await ok(["-p", p, "create", "product", "x"]);
    writeFileSync(join(p, "products/x/definition.yaml"), "name: x\ntags: 3\n");
    const r = await meshroom(["-p", p, "list", "products"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("products/x/definition.yaml:2:7: Invalid input: expected array, received number (field `tags`)");
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("-p and --path point at the project; the default is the current directory", async () => {
    await ok(["--path", root, "create", "product", "viapath"]);
    const here = JSON.parse((await ok(["list", "products", "--json"], { cwd: root })).stdout) as Array<{ name: string }>;
    expect(here.map((p) => p.name)).toContain("viapath");
    const elsewhere = await meshroom(["list", "products"]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain("is not a meshroom project");
  });

  it("`list` on an empty project says how to start", async () => {
    const p = await initProject();
    expect((await ok(["-p", p, "list", "products"])).stdout).toContain("No products. Create one with `meshroom create product NAME --from TEMPLATE`.");
    expect((await ok(["-p", p, "list", "instances", "--json"])).stdout.trim()).toBe("[]");
  });
});
