import { readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";

/**
 * Dates every file and folder under `dir` a minute back, as if the project had been written (or pulled)
 * earlier: the manifest cache never trusts a file changed in the last 2 s, so a bench that
 * times commands right after generating a project would otherwise time first runs only.
 */
export function settle(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() || e.isDirectory()) utimesSync(join(e.parentPath, e.name), past, past);
  }
  utimesSync(dir, past, past);
}
