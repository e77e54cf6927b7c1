// How a new user gets `meshroom` (issue 20, item 2): the README's quick start is two commands, it
// says how to put `meshroom` on PATH from a clone, and nothing tells users to install the
// unrelated registry package of that name. install-from-clone.slow.test.ts runs the instructions.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, readme, sectionCommands } from "../support/readme.js";

const README = readme();

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === "node_modules" || e === ".git" || e === "dist" || e.startsWith(".gen")) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(md|ts|js|mjs|sh|yaml|json)$/.test(e)) out.push(p);
  }
  return out;
}

describe("installing meshroom", () => {
  it("the quick start is exactly `npm install && npm run demo` and `npm test`", () => {
    expect(sectionCommands(README, "Quick start").map((l) => l.replace(/\s+#.*$/, ""))).toEqual(["npm install && npm run demo", "npm test"]);
  });

  it("the README says how to put meshroom on PATH from a clone, and checks it", () => {
    const lines = sectionCommands(README, "Get the `meshroom` command");
    expect(lines.join("\n")).toMatch(/npm link|npm install -g \./);
    expect(lines.at(-1)).toBe("meshroom --version");
  });

  it("nothing tells users to install meshroom by name from the npm registry", () => {
    const offenders = files(REPO_ROOT)
      .filter((f) => !f.endsWith("install-docs.test.ts"))
      .filter((f) => /\b(npm (install|i|add)( -g| --global)? meshroom\b(?!\/)|yarn add meshroom\b|pnpm add meshroom\b)/.test(readFileSync(f, "utf8")))
      .map((f) => relative(REPO_ROOT, f));
    expect(offenders).toEqual([]);
  });
});
