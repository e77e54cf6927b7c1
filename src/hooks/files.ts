import { constants } from "node:fs";
import { mkdir, readFile, writeFile, access } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { assertInProject } from "../util/confined-path.js";
import type { ScaffoldFiles } from "./types.js";

/** Writing a file, never through a symbolic link in its last component (where the OS allows). */
const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);

/**
 * The `files` helper of scaffold hooks: reads and writes under `dir` only, as the OS resolves
 * paths (a symbolic link leading out of `dir` is refused too).
 */
export function createScaffoldFiles(dir: string): ScaffoldFiles {
  const inside = (relPath: string, action = "read"): string => {
    const full = resolve(dir, relPath);
    const r = relative(dir, full);
    if (relPath === "" || isAbsolute(relPath) || r === "" || r.startsWith("..") || isAbsolute(r)) {
      throw new MeshroomError("E_BAD_VALUE", `scaffold may only write files inside ${dir}; refused ${JSON.stringify(relPath)}`);
    }
    return assertInProject(dir, full, action);
  };
  return {
    dir,
    async write(relPath, content) {
      const full = inside(relPath, "write");
      await mkdir(dirname(full), { recursive: true });
      inside(relPath, "write"); // again: a folder created through a link that appeared meanwhile
      await writeFile(full, content, { flag: WRITE_NO_FOLLOW });
      return full;
    },
    async read(relPath) {
      try {
        return await readFile(inside(relPath), "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },
    async exists(relPath) {
      try {
        await access(inside(relPath));
        return true;
      } catch (e) {
        if (e instanceof MeshroomError) throw e;
        return false;
      }
    },
  };
}
