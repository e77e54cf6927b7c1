import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";

/**
 * A project's `cdktf.json`: the fields meshroom reads (`app`, `output`), the rest kept as is.
 * Checked by hand, not with zod: commands that only need to know whether the mesh is code
 * (`plug`, `add`) must not load zod on a warm cache (test/cli/cold-start.test.ts).
 */
export interface CdktfJson {
  app?: string;
  output?: string;
  [key: string]: unknown;
}

/** The project's `cdktf.json`, parsed; undefined when there is none. */
export function readCdktfJson(root: string): CdktfJson | undefined {
  const file = join(root, "cdktf.json");
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new MeshroomError("E_BAD_MANIFEST", `${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new MeshroomError("E_BAD_MANIFEST", `${file}: expected an object`);
  const config = raw as Record<string, unknown>;
  for (const key of ["app", "output"]) {
    if (config[key] !== undefined && typeof config[key] !== "string") {
      throw new MeshroomError("E_BAD_MANIFEST", `${file}: ${key} must be a string`);
    }
  }
  return config as CdktfJson;
}

/** Whether a cdktf.json app is meshroom's own YAML synthesis (then the YAML instances are the mesh). */
export function isMeshroomApp(app: string | undefined): boolean {
  return app === undefined || app.trim() === "" || /\bmeshroom(\.js)?\s+synth\b/.test(app) || /stacks\/project\.[jt]s\b/.test(app);
}
