import { type Mode, type Role, ROLES } from "./capability.js";
import { isValidName } from "./names.js";
import type { SettingDef } from "./settings.js";
import type { CommandHookDecl, IntegrationFileRaw } from "./schemas.js";

export type { IntegrationFileRaw };

/** The key of an integration: one side of an interop between `product` and `target`. */
export interface IntegrationKey {
  topic: string;
  role: Role;
  mode: Mode;
  format?: string;
}

const FILE_EXT = /\.(ya?ml)$/;

/**
 * File stem for an integration: `<topic>_<role>[_<format>][_pull]`.
 * Topics and formats may contain `_`; the role word is the first part (after the topic's
 * first part) that is a role name, so a topic may not contain `_<role>_` itself.
 */
export function integrationStem(key: IntegrationKey): string {
  let s = `${key.topic}_${key.role}`;
  if (key.format) s += `_${key.format}`;
  if (key.mode === "pull") s += "_pull";
  return s;
}

/** Parses a file name (with or without `.yaml`/`.yml`) back into its key; undefined when it is not one. */
export function parseIntegrationFileName(fileName: string): IntegrationKey | undefined {
  const stem = fileName.replace(FILE_EXT, "");
  const parts = stem.split("_");
  const roleIdx = parts.findIndex((p, i) => i > 0 && (ROLES as readonly string[]).includes(p));
  if (roleIdx < 1) return undefined;
  const topic = parts.slice(0, roleIdx).join("_");
  let rest = parts.slice(roleIdx + 1);
  let mode: Mode = "push";
  if (rest.length > 0 && rest[rest.length - 1] === "pull") {
    mode = "pull";
    rest = rest.slice(0, -1);
  }
  const key: IntegrationKey = { topic, role: parts[roleIdx] as Role, mode };
  if (rest.length > 0) {
    const format = rest.join("_");
    if (format === "") return undefined;
    key.format = format;
  }
  if (topic === "" || parts.some((p) => p === "")) return undefined;
  if (!isValidName(topic) || (key.format !== undefined && !isValidName(key.format))) return undefined;
  return key;
}

export function isIntegrationFile(fileName: string): boolean {
  return FILE_EXT.test(fileName);
}

/** An explicit integration, as loaded. */
export interface ExplicitIntegration extends IntegrationKey {
  product: string;
  target: string;
  description?: string;
  plugSettings: SettingDef[];
  settings: Record<string, unknown>;
  extra: Record<string, unknown>;
  commandHooks: CommandHookDecl[];
  /** Absolute path of the YAML file. */
  file: string;
  /** Absolute path of the same-stem hooks file, when there is one. */
  hooksFile?: string;
}
