import type { SettingDef } from "../model/index.js";
import { coerceSettingValue } from "../model/index.js";
import type { CliContext } from "./context.js";

/** Asks for one setting on the TTY (hidden for secrets); the prompt library is loaded only here. */
export async function promptSetting(ctx: CliContext, def: SettingDef): Promise<{ value: unknown; secret: boolean }> {
  const { input, password } = await import("@inquirer/prompts");
  const message = `${def.name}${def.description ? ` (${def.description})` : ""}`;
  const streams = { input: ctx.io.stdin, output: ctx.io.stdout };
  if (def.secret) {
    const v = await password({ message, mask: "*", validate: (s) => (s.length > 0 ? true : "a value is required") }, streams);
    return { value: v, secret: true };
  }
  const text = await input(
    {
      message,
      ...(def.default !== undefined ? { default: String(def.default) } : {}),
      validate: (s) => {
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
  return { value: coerceSettingValue(def, text), secret: false };
}
