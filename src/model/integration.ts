import { type Mode, type Role, ROLES } from "./capability.js";
import { MeshroomError } from "../errors/index.js";
import { assertName, isValidName } from "./names.js";
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

/** Unique key of an integration within its (product, target) pair, explicit or not. */
export function integrationKeyString(k: IntegrationKey): string {
  return `${k.topic}\u0000${k.role}\u0000${k.mode}\u0000${k.format ?? ""}`;
}

/**
 * Unique key of an integration in the project, explicit or not: what a plug's recorded
 * `src_integration`/`dst_integration` designates (an explicit integration replaces the generic
 * one with the same key).
 */
export function integrationRefKey(i: IntegrationKey & { product: string; target: string }): string {
  return `${i.product}\u0000${i.target}\u0000${integrationKeyString(i)}`;
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

/**
 * Topics and formats become parts of file names (`<topic>_<role>[_<format>][_pull].yaml`,
 * plugs' `<topic>[_pull].yaml`): a format made of the words `push`, `pull` or a role name, or a
 * topic with a role name after its first part or ending in `_pull`, would read back as another
 * key, and every later command would find the project invalid. Refused with E_BAD_NAME before
 * anything is written.
 */
export function assertFileNameSafe(kind: "topic" | "format", name: string): string {
  assertName(kind, name);
  const parts = name.split("_");
  const roles = ROLES as readonly string[];
  const clash =
    kind === "format"
      ? parts.find((p) => p === "push" || p === "pull" || roles.includes(p))
      : parts.slice(1).find((p) => roles.includes(p)) ?? (parts.length > 1 && parts[parts.length - 1] === "pull" ? "pull" : undefined);
  if (clash !== undefined) {
    throw new MeshroomError("E_BAD_NAME", `invalid ${kind} name ${JSON.stringify(name)}: "${clash}" is a word of meshroom's file names`, {
      detail: `${kind}s are parts of file names such as <topic>_<role>_<format>_pull.yaml, so a ${kind} may not use ` +
        (kind === "format" ? "push, pull or a role name (producer, consumer, trigger, executor) as a word" : "a role name after its first word, nor end in _pull") +
        `; choose another ${kind} name`,
    });
  }
  return name;
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
