// examples/vendor-catalog/README.md keeps the whole journey in runnable ```bash blocks;
// tutorial.slow.test.ts runs them end to end.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE, bashBlocks } from "./helpers.js";

const README = readFileSync(join(EXAMPLE, "README.md"), "utf8");

describe("vendor-catalog tutorial", () => {
  it("has the whole journey in its shell blocks", () => {
    const script = bashBlocks(README).join("\n");
    for (const cmd of [
      "meshroom init soc", "meshroom import-products", "meshroom pull acme", "meshroom create product myedr --from edr",
      "meshroom create capability", "meshroom create integration myedr acme search_threat executor",
      "meshroom create integration acme myedr search_threat trigger", "meshroom add", "meshroom plug",
      "meshroom publish acme myedr search_threat trigger", "meshroom init soc2",
    ]) expect(script).toContain(cmd);
  });

  it("has no shell command outside the bash blocks that the test runs", () => {
    expect(README.match(/^```(sh|shell|console)$/gm)).toBeNull();
  });
});
