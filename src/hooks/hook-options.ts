import { MODES, ROLES } from "../model/index.js";
import { hookEnvNameProblem } from "../util/env-names.js";
import type { RoleHookOptions } from "./types.js";

/**
 * The options a hook author passes to a registrar (`{ title, order, timeout, … }`), checked once
 * when the hook file is loaded. Written by hand rather than with zod: listing a catalog imports
 * every TypeScript hook file, and this check is the only reason such a command would load zod
 * (about 100 modules, a tenth of a second of startup).
 */
export type CheckedHookOptions = RoleHookOptions;

type Check = (v: unknown) => string | undefined;

const nonEmptyString: Check = (v) => (typeof v === "string" && v.length > 0 ? undefined : "expected a non-empty string");
const boolean: Check = (v) => (typeof v === "boolean" ? undefined : "expected true or false");
const oneOf = (values: readonly string[]): Check => (v) =>
  typeof v === "string" && values.includes(v) ? undefined : `expected one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;

/** One check per option of the public type: adding an option there without a check here does not compile. */
const CHECKS: Record<keyof CheckedHookOptions, Check> = {
  mode: oneOf(MODES),
  format: nonEmptyString,
  order: (v) => (v === "first" || v === "last" || Number.isInteger(v) ? undefined : 'expected "first", "last" or an integer'),
  ownsBoth: boolean,
  keepWhenOverloaded: boolean,
  title: nonEmptyString,
  timeout: (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? undefined : "expected a positive number of seconds"),
  env: (v) => {
    if (!Array.isArray(v)) return "expected a list of environment variable names";
    for (const n of v) {
      const problem = typeof n === "string" ? hookEnvNameProblem(n) : "expected a list of environment variable names";
      if (problem) return problem;
    }
    return undefined;
  },
  role: oneOf(ROLES),
  topic: nonEmptyString,
};

/** The options, or every problem found in them ("field: reason"). `undefined` or `null`: none given. */
export function checkHookOptions(opts: unknown): CheckedHookOptions | string[] {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== "object" || Array.isArray(opts)) return ["options: expected an object"];
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(opts)) {
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof CheckedHookOptions] : undefined;
    if (!check) {
      problems.push(`options: Unrecognized key: ${JSON.stringify(key)}`);
      continue;
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) problems.push(`${key}: ${problem}`);
    else out[key] = value;
  }
  return problems.length ? problems : (out as CheckedHookOptions);
}
