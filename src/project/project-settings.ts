import { existsSync } from "node:fs";
import { MeshroomError, throwIfDiagnostics } from "../errors/index.js";
import { paths } from "./paths.js";
import { ProjectFileSchema, type ProjectSettings } from "./project-file.js";
import { readYamlFile } from "./yaml-file.js";

/**
 * meshroom.yaml alone (not the whole project): for commands that need one project-wide setting
 * (the state backend, how secrets are opened). Undefined when `root` has no meshroom.yaml; a
 * file that does not parse is an error naming it.
 */
export function readProjectSettings(root: string): ProjectSettings | undefined {
  const file = paths.projectFile(root);
  if (!existsSync(file)) return undefined;
  const parsed = readYamlFile(file, ProjectFileSchema, root);
  throwIfDiagnostics(parsed.diagnostics, "meshroom.yaml");
  return parsed.value ?? {};
}

/** Like `readProjectSettings`, but E_NOT_PROJECT when there is no meshroom.yaml. */
export function requireProjectSettings(root: string): ProjectSettings {
  const settings = readProjectSettings(root);
  if (!settings) {
    throw new MeshroomError("E_NOT_PROJECT", `${root} is not a meshroom project (no readable meshroom.yaml).`, {
      detail: "Run `meshroom init` there, or pass -p DIR.",
    });
  }
  return settings;
}
