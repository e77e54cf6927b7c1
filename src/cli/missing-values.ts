// `apply`/`up`: required settings and secrets still missing are asked for on a terminal, or named in an error.
import { MeshroomError } from "../errors/index.js";
import { findMissingValuesLoaded, storeMissingValues, type MissingValue } from "../engine/author/missing-values.js";
import type { Project } from "../project/project.js";
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

/**
 * Asks for (or names) the missing values. Returns the project it loaded when nothing was
 * missing and the project had no problem, for the command's setup to use as it is (one load of
 * every manifest, not two); undefined when values were written (the setup loads them).
 */
export async function completeMissingValues(ctx: CliContext): Promise<Project | undefined> {
  const root = projectRoot(ctx);
  const open = secretsOpener(ctx, root);
  const { missing, project } = await findMissingValuesLoaded(root, open);
  if (missing.length === 0) return project;
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
  return undefined;
}
