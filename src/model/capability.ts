export const ROLES = ["producer", "consumer", "trigger", "executor"] as const;
export type Role = (typeof ROLES)[number];
export const MODES = ["push", "pull"] as const;
export type Mode = (typeof MODES)[number];

/** The definition.yaml key that lists capabilities of each role. */
export const ROLE_KEYS = { producer: "produces", consumer: "consumes", trigger: "triggers", executor: "executes" } as const;
export type RoleKey = (typeof ROLE_KEYS)[Role];

const COMPLEMENT: Record<Role, Role> = { producer: "consumer", consumer: "producer", trigger: "executor", executor: "trigger" };
export function complementaryRole(role: Role): Role {
  return COMPLEMENT[role];
}
/** producer/trigger sit at the source of a plug; consumer/executor at the destination. */
export function isSourceRole(role: Role): boolean {
  return role === "producer" || role === "trigger";
}
export function kindOfRole(role: Role): "data" | "action" {
  return role === "producer" || role === "consumer" ? "data" : "action";
}

/** A capability: (product, role, topic, mode = push by default, format = any when unset). */
export interface Capability {
  product: string;
  role: Role;
  topic: string;
  mode: Mode;
  format?: string;
}
