import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { assertInProject } from "../util/confined-path.js";

/**
 * Removes a file or folder of the project (a link itself is removed, never what it points to).
 * A module of its own: `unplug` must not load the yaml package that save.ts needs.
 */
export function removePath(root: string, path: string): void {
  // rm does not follow the last component: only the folders on the way must stay inside
  assertInProject(root, dirname(path), "remove files in");
  rmSync(path, { recursive: true, force: true });
}
