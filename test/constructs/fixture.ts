import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { copyExample } from "../../bench/example-copy.js";
import { generateBindings } from "../../src/engine/deploy/generate-bindings.js";

export const REPO = resolve(import.meta.dirname, "../..");
export const QUICKSTART = join(REPO, "examples/quickstart");
export const CODE_MESH = join(REPO, "examples/code-mesh");

/**
 * A copy of an example project in a temp dir, as a user would have it: its own
 * node_modules where `meshroom` (this checkout, built), cdktf, constructs and jiti resolve.
 */
export function exampleCopy(example: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "meshroom-constructs-"));
  copyExample(REPO, example, dir);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of examples/code-mesh (exampleCopy) with its typed classes generated (`meshroom get`),
 * made before the test file's tests and removed after them.
 */
export function useCodeMeshCopy(): { readonly dir: string } {
  let fx: ReturnType<typeof exampleCopy> | undefined;
  beforeAll(async () => {
    fx = exampleCopy(CODE_MESH);
    await generateBindings(fx.dir);
  }, 120_000);
  afterAll(() => fx?.dispose());
  return {
    get dir(): string {
      if (!fx) throw new Error("the code-mesh copy is made in beforeAll");
      return fx.dir;
    },
  };
}
