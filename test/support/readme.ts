// Reading the README as a user does: the shell lines of one `## ` section, in order.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function readme(): string {
  return readFileSync(join(REPO_ROOT, "README.md"), "utf8");
}

/** The lines of the ```sh blocks of the section `## heading` (blank lines dropped). */
export function sectionCommands(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const next = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1]!.split("\n").filter((l) => l.trim() !== ""));
}
