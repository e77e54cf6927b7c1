import { MeshroomError } from "../errors/index.js";

/** Names of products, instances, topics and formats (10-project-and-cli.md). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.]*$/;

export type NameKind = "product" | "instance" | "topic" | "format" | "template" | "setting" | "workspace";

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name) && !name.includes("..");
}

/** Throws E_BAD_NAME with a readable reason; call before anything is written. */
export function assertName(kind: NameKind, name: string): string {
  if (!isValidName(name)) {
    const shown = JSON.stringify(name);
    throw new MeshroomError("E_BAD_NAME", `invalid ${kind} name ${shown}`, {
      detail: "names start with a letter or digit and contain only letters, digits, `_` and `.` (no `..`, `/` or spaces)",
    });
  }
  return name;
}
