// `apply`/`up`: required settings and secrets still missing are asked for on a terminal, or named in an error.
import { MeshroomError } from "../errors/index.js";
import { findMissingValues, storeMissingValues, type MissingValue } from "../engine/author/missing-values.js";
import type { CliContext } from "./context.js";
import { projectRoot } from "./project-root.js";
import { promptSetting } from "./prompt.js";
import { secretsOpener } from "./secrets-opener.js";

/** How to give one missing value without a terminal. */
function _fix(m: MissingValue): string {
  return m.def.secret
    ? `instance ${m.instance}: secret ${m.def.name} (printf '%s\\n' "$VALUE" | meshroom configure ${m.instance} -s ${m.def.name})`
    : `instance ${m.instance}: setting ${m.def.name} (meshroom configure ${m.instance} -c ${m.def.name}=…)`;
}

export async function completeMissingValues(ctx: CliContext): Promise<void> {
  const root = projectRoot(ctx);
  const open = secretsOpener(ctx, root);
  const missing = await findMissingValues(root, open);
  if (missing.length === 0) return;
  if (!ctx.interactive()) {
    throw new MeshroomError("E_MISSING_VALUE", `${missing.length} required value${missing.length > 1 ? "s are" : " is"} missing`, {
      detail: missing.map(_fix).join("\n") + "\nor run the command on a terminal, where it asks for them",
    });
  }
  const answers: Array<MissingValue & { value: unknown }> = [];
  for (const m of missing) {
    ctx.out(`instance ${m.instance} (${m.product}) needs ${m.def.secret ? "secret" : "setting"} ${m.def.name}:`);
    const a = await promptSetting(ctx, m.def);
    if (a) answers.push({ ...m, value: a.value });
  }
  await storeMissingValues(root, answers, open);
}
