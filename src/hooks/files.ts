import { mkdir, readFile, writeFile, access } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { MeshroomError } from "../errors/index.js";
import type { ScaffoldFiles } from "./types.js";

/** The `files` helper of scaffold hooks: reads and writes under `dir` only. */
export function createScaffoldFiles(dir: string): ScaffoldFiles {
  const inside = (relPath: string): string => {
    const full = resolve(dir, relPath);
    const r = relative(dir, full);
    if (relPath === "" || isAbsolute(relPath) || r === "" || r.startsWith("..") || isAbsolute(r)) {
      throw new MeshroomError("E_BAD_VALUE", `scaffold may only write files inside ${dir}; refused ${JSON.stringify(relPath)}`);
    }
    return full;
  };
  return {
    dir,
    async write(relPath, content) {
      const full = inside(relPath);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
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
