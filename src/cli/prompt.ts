import type { SettingDef } from "../model/index.js";
import { coerceSettingValue } from "../model/index.js";
import type { CliContext } from "./context.js";

export interface PromptOptions {
  /** The value shown as default (a setting's current value, else its declared default). */
  current?: unknown;
  /** A secret that already has a value: an empty answer keeps it. */
  hasValue?: boolean;
}

/** An answer, or undefined when the user left an optional value (or a secret to keep) empty. */
export type PromptAnswer = { value: unknown; secret: boolean } | undefined;

/** Shown default of a setting: scalars as typed, lists and objects as JSON. */
function _shown(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Asks for one setting on the TTY (hidden for secrets); the prompt library is loaded only here.
 * A required value must be given, unless it has one already (shown as the default, or a secret
 * that an empty answer keeps); an optional one may be left empty.
 */
export async function promptSetting(ctx: CliContext, def: SettingDef, opts: PromptOptions = {}): Promise<PromptAnswer> {
  const { input, password } = await import("@inquirer/prompts");
  const streams = { input: ctx.io.stdin, output: ctx.io.stdout };
  const must = def.required && !opts.hasValue;
  const hint = def.secret ? (opts.hasValue ? "leave empty to keep" : must ? "" : "optional, leave empty to skip") : must ? "" : "optional";
  const message = `${def.name}${def.description ? ` (${def.description})` : ""}${hint ? ` [${hint}]` : ""}`;
  if (def.secret) {
    const v = await password({ message, mask: "*", validate: (s) => (s.length > 0 || !must ? true : "a value is required") }, streams);
    return v === "" ? undefined : { value: v, secret: true };
  }
  const current = opts.current ?? def.default;
  const text = await input(
    {
      message,
      ...(current !== undefined ? { default: _shown(current) } : {}),
      validate: (s) => {
        if (s === "") return must ? "a value is required" : true;
        try {
          coerceSettingValue(def, s);
          return true;
        } catch (e) {
          return (e as Error).message;
        }
      },
    },
    streams,
  );
  return text === "" ? undefined : { value: coerceSettingValue(def, text), secret: false };
}
