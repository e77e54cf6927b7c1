import { type Mode, type Role, complementaryRole } from "../model/index.js";

/** The matching-relevant part of a capability or integration. */
export interface MatchKey {
  role: Role;
  topic: string;
  mode: Mode;
  format?: string;
}

/** Formats match when equal, or when at least one is unset ("any format"). */
export function formatsCompatible(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** The more specific of two compatible formats (a set format beats an unset one). */
export function moreSpecificFormat(a: string | undefined, b: string | undefined): string | undefined {
  return a ?? b;
}

/**
 * Two capabilities match when their roles are complementary (producer↔consumer,
 * trigger↔executor), their topics and modes are equal, and their formats are compatible.
 */
export function capabilitiesMatch(a: MatchKey, b: MatchKey): boolean {
  return (
    complementaryRole(a.role) === b.role &&
    a.topic === b.topic &&
    a.mode === b.mode &&
    formatsCompatible(a.format, b.format)
  );
}

/** A stable text key for (role, topic, mode, format), used to deduplicate. */
export function matchKeyString(k: MatchKey): string {
  return `${k.topic}\u0000${k.role}\u0000${k.mode}\u0000${k.format ?? ""}`;
}
