import { MeshroomError } from "../errors/index.js";

/** Names of products, instances, topics and formats (10-project-and-cli.md). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.]*$/;

/**
 * Longest name: names become folder and file names, and a file name has at most 255 bytes on
 * the usual filesystems (a longer one failed with a raw ENAMETOOLONG). Names are ASCII (the
 * pattern), so bytes and characters agree.
 */
export const MAX_NAME_BYTES = 255;

export type NameKind = "product" | "instance" | "topic" | "format" | "template" | "setting" | "workspace";

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_BYTES && NAME_PATTERN.test(name) && !name.includes("..");
}

/** Throws E_BAD_NAME with a readable reason; call before anything is written. */
export function assertName(kind: NameKind, name: string): string {
  if (!isValidName(name)) {
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
      throw new MeshroomError("E_BAD_NAME", `invalid ${kind} name: it is ${Buffer.byteLength(name)} bytes long, over the limit of ${MAX_NAME_BYTES}`, {
        detail: `names become folder and file names, which have at most ${MAX_NAME_BYTES} bytes: choose a shorter one`,
      });
    }
    const shown = JSON.stringify(name);
    throw new MeshroomError("E_BAD_NAME", `invalid ${kind} name ${shown}`, {
      detail: "names start with a letter or digit and contain only letters, digits, `_` and `.` (no `..`, `/` or spaces)",
    });
  }
  return name;
}

/**
 * A file name made of several names (`<topic>_<role>_<format>_pull.yaml`) may be too long even
 * when each name is not: refused with a name error before anything is written.
 */
export function assertFileNameLength(fileName: string, what: string): string {
  const bytes = Buffer.byteLength(fileName);
  if (bytes > MAX_NAME_BYTES) {
    throw new MeshroomError("E_BAD_NAME", `the file name of ${what} would be ${bytes} bytes long, over the limit of ${MAX_NAME_BYTES}`, {
      detail: "use a shorter topic or format",
    });
  }
  return fileName;
}
