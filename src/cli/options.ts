import { MeshroomError } from "../errors/index.js";
import { MODES, ROLES, type Mode, type Role } from "../model/index.js";

/** commander collector for repeatable flags (`-c a=1 -c b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Splits `key=value` (the value may contain `=`). */
export function parseKeyValue(text: string, flag: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new MeshroomError("E_USAGE", `${flag} expects key=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, i), text.slice(i + 1)];
}

export function parseMode(m: string | undefined): Mode | undefined {
  if (m === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(m)) throw new MeshroomError("E_USAGE", `--mode must be push or pull, got ${JSON.stringify(m)}`);
  return m as Mode;
}

export function parseRole(r: string): Role {
  if (!(ROLES as readonly string[]).includes(r)) throw new MeshroomError("E_USAGE", `ROLE must be one of ${ROLES.join(", ")}, got ${JSON.stringify(r)}`);
  return r as Role;
}

export function parsePositiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new MeshroomError("E_USAGE", `${flag} expects a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
