import type { Mode, Role } from "./capability.js";
import type { IntegrationRef } from "./schemas.js";
import { isValidName } from "./names.js";

export type PlugKind = "data" | "action";

/** What a plug is, as resolved by `meshroom plug`: the edge, who sets it up, and through which integrations. */
export interface PlugSpec {
  src: string;
  dst: string;
  topic: string;
  mode: Mode;
  format?: string;
  kind: PlugKind;
  /** "both" or the name of the instance whose integration owns both sides. */
  owner: string;
  srcIntegration?: IntegrationRef;
  dstIntegration?: IntegrationRef;
}

export interface PlugSettings {
  src: Record<string, unknown>;
  dst: Record<string, unknown>;
}

/** A plug as loaded from its file. */
export interface Plug extends PlugSpec {
  settings: PlugSettings;
  file: string;
}

export function plugFileStem(topic: string, mode: Mode): string {
  return mode === "pull" ? `${topic}_pull` : topic;
}

/** `events_pull.yaml` → {events, pull}; `events.yaml` → {events, push}. */
export function parsePlugFileName(fileName: string): { topic: string; mode: Mode } | undefined {
  const m = /^(.+?)(_pull)?\.ya?ml$/.exec(fileName);
  if (!m || !m[1] || !isValidName(m[1])) return undefined;
  return { topic: m[1], mode: m[2] ? "pull" : "push" };
}

export type { Role, IntegrationRef };
export type { PlugFileRaw } from "./schemas.js";
