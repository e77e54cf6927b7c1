// `-c key=value` and `-s NAME` (one stdin line per secret), as `add`, `configure` and `plug` read them.
import { MeshroomError } from "../errors/index.js";
import type { SettingsInput } from "../engine/author/instance-operations.js";
import type { CliContext } from "./context.js";
import { parseKeyValue } from "./options.js";
import { StdinLines } from "./stdin.js";

export interface SettingFlags {
  config?: string[];
  secret?: string[];
}

/** Reads `-c` pairs and `-s` names (one stdin line per secret, in flag order). */
export async function readSettingsInput(ctx: CliContext, flags: SettingFlags): Promise<SettingsInput> {
  const values = (flags.config ?? []).map((c) => parseKeyValue(c, "-c"));
  const secrets: Array<[string, string]> = [];
  if (flags.secret?.length) {
    const lines = new StdinLines(ctx.io.stdin);
    try {
      for (const name of flags.secret) {
        const v = await lines.next();
        if (v === undefined || v === "") {
          throw new MeshroomError("E_MISSING_VALUE", `no value on stdin for secret ${name}`, {
            detail: "-s NAME reads one line of stdin per flag, in order (e.g. `printf '%s\\n' \"$KEY\" | meshroom add … -s API_KEY`)",
          });
        }
        secrets.push([name, v]);
      }
    } finally {
      await lines.close();
    }
  }
  return { values, secrets };
}
