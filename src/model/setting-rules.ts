import { excerpt } from "../util/excerpt.js";
import { isValidName } from "./names.js";
import { type SettingDef, checkSettingValue } from "./settings.js";

/**
 * The rules every mesh's settings obey, whether they come from a YAML file
 * (`instances/<p>/<i>/config.yaml`, a plug file) or from a code mesh's constructs: one rule set,
 * one wording, so that the same bad input is refused the same way by both.
 */
export type SettingRule =
  | "unknown-setting"
  | "wrong-type"
  | "missing-required"
  | "secret-in-clear"
  | "unresolved-token"
  | "bad-name"
  | "unknown-product";

export interface SettingProblem {
  rule: SettingRule;
  /** The setting the problem is about (`""` for a problem of the whole instance). */
  setting: string;
  summary: string;
  detail?: string;
}

export interface SettingCheck {
  /** Whose settings these are, for messages: `product siem_local`, `the dst side of this plug`. */
  owner: string;
  /** The fix for a secret written in clear (YAML: `meshroom configure`; a code mesh: `Secret.fromStore`). */
  secretFix(setting: string): string;
  /** Settings given as references to the secrets store (a code mesh's `Secret.fromStore`), by name. */
  secretRefs?: ReadonlySet<string>;
  /** Settings whose value is a cdktf token meshroom cannot evaluate (a code mesh only). */
  tokens?: ReadonlyMap<string, string>;
}

/**
 * Checks values against setting definitions (pure): every key known, every value of its type,
 * no secret written in clear, every required non-secret setting present (secret ones live in
 * the secrets store). A setting given as a token is reported as such, not type-checked.
 */
export function settingProblems(defs: readonly SettingDef[], values: Readonly<Record<string, unknown>>, check: SettingCheck): SettingProblem[] {
  const out: SettingProblem[] = [];
  const byName = new Map(defs.map((s) => [s.name, s]));
  const refs = check.secretRefs ?? new Set<string>();
  const unknown = (k: string) => {
    const known = defs.filter((x) => !x.secret).map((x) => x.name);
    out.push({
      rule: "unknown-setting", setting: k,
      summary: `unknown setting ${JSON.stringify(excerpt(k))} for ${check.owner}${known.length ? ` (known: ${known.join(", ")})` : ""}`,
    });
  };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const s = byName.get(k);
    if (!s) {
      unknown(k);
      continue;
    }
    if (s.secret) {
      out.push({ rule: "secret-in-clear", setting: k, summary: `secret setting ${k} is written in clear; ${check.secretFix(k)}` });
      continue;
    }
    const token = check.tokens?.get(k);
    if (token !== undefined) {
      out.push({
        rule: "unresolved-token", setting: k,
        summary: `setting ${k} is an unresolved token (${token}); meshroom does not evaluate Terraform expressions`,
        detail: "give the value itself (a literal, or a variable of your program), not an attribute of another construct",
      });
      continue;
    }
    try {
      checkSettingValue(s, v);
    } catch (e) {
      out.push({ rule: "wrong-type", setting: k, summary: (e as Error).message });
    }
  }
  for (const k of refs) if (!byName.has(k)) unknown(k);
  for (const s of defs) {
    if (s.required && !s.secret && s.default === undefined && values[s.name] === undefined && !refs.has(s.name)) {
      out.push({ rule: "missing-required", setting: s.name, summary: `required setting ${s.name} is missing` });
    }
  }
  return out;
}

/** An instance name that may not be used (the rule of `meshroom add` and of the instances folder). */
export function instanceNameProblem(name: string): SettingProblem | undefined {
  if (isValidName(name)) return undefined;
  return {
    rule: "bad-name", setting: "",
    summary: `invalid instance name ${JSON.stringify(excerpt(name))}`,
    detail: "instance names start with a letter or digit and contain only letters, digits, `_` and `.` (no `..`, `-`, `/` or spaces)",
  };
}
