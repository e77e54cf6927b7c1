import { MeshroomError } from "../errors/index.js";

/** Who a secret belongs to: an instance (by name) or a plug (by its address `plug.<src>.<dst>.<topic>.<mode>`). */
export type SecretScope = { instance: string } | { plug: string };

/** One stored secret, without its value. */
export interface SecretEntry {
  scope: SecretScope;
  name: string;
}

export function isInstanceScope(scope: SecretScope): scope is { instance: string } {
  return "instance" in scope;
}

/** `instance:<name>` or `plug:<address>`: the CLI spelling of a scope. */
export function formatScope(scope: SecretScope): string {
  return isInstanceScope(scope) ? `instance:${scope.instance}` : `plug:${scope.plug}`;
}

/**
 * Parses `instance:<name>` or `plug:<address>`. A plug address may be given with or without its
 * `plug.` prefix (`plug:a.b.events.push` = `plug:plug.a.b.events.push`); it is stored with it.
 */
export function parseScope(text: string): SecretScope {
  const m = /^(instance|plug):(.+)$/.exec(text.trim());
  if (!m) {
    throw new MeshroomError("E_USAGE", `invalid secret scope "${text}"`, {
      detail: "Write instance:<instance name> or plug:<plug address>, e.g. instance:sekoia or plug:edr.siem.events.push",
    });
  }
  const value = m[2]!;
  if (m[1] === "instance") return { instance: value };
  return { plug: value.startsWith("plug.") ? value : `plug.${value}` };
}
