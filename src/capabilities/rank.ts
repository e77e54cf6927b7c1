import { kindOfRole } from "../model/index.js";
import { type Integration, integrationName } from "./integration.js";

const _cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Preference between candidate integrations (or pairs of them) for a plug: data before
 * action, explicit before generic, a set format before an unset one, then name order.
 * Never depends on input order.
 */
export function compareCandidates(a: readonly Integration[], b: readonly Integration[]): number {
  const kind = (xs: readonly Integration[]) => (xs.some((x) => kindOfRole(x.role) === "action") ? 1 : 0);
  const explicitCount = (xs: readonly Integration[]) => xs.filter((x) => x.explicit).length;
  const hasFormat = (xs: readonly Integration[]) => (xs.some((x) => x.format !== undefined) ? 1 : 0);
  const d =
    kind(a) - kind(b) ||
    explicitCount(b) - explicitCount(a) ||
    hasFormat(b) - hasFormat(a);
  if (d !== 0) return d;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const na = a[i] ? integrationName(a[i]!) : "";
    const nb = b[i] ? integrationName(b[i]!) : "";
    const c = _cmp(na, nb);
    if (c !== 0) return c;
  }
  return 0;
}
