import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * Copies an example project of the checkout at `repo` into `dir` as a user would have it: its
 * own node_modules, where `meshroom` (that checkout, built), cdktf, constructs and jiti resolve,
 * and `.bin/jiti` and `.bin/meshroom`. Without `cdktf.out`, `.gen` and `.meshroom`. Used by the
 * synth bench and by the constructs tests (test/constructs/fixture.ts).
 */
export function copyExample(repo: string, example: string, dir: string): void {
  cpSync(example, dir, { recursive: true, dereference: true, filter: (src) => !/[/\\](cdktf\.out|\.gen|\.meshroom)$/.test(src) });
  const nm = join(dir, "node_modules");
  mkdirSync(join(nm, ".bin"), { recursive: true });
  mkdirSync(join(nm, "@types"), { recursive: true });
  symlinkSync(repo, join(nm, "meshroom"), "dir");
  for (const pkg of ["cdktf", "constructs", "jiti", "@types/node"]) symlinkSync(join(repo, "node_modules", pkg), join(nm, pkg), "dir");
  symlinkSync(join(repo, "node_modules/jiti/lib/jiti-cli.mjs"), join(nm, ".bin/jiti"));
  symlinkSync(join(repo, "bin/meshroom.js"), join(nm, ".bin/meshroom"));
}
