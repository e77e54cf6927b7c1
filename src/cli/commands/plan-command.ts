import type { Command } from "commander";
import { MeshroomError } from "../../errors/index.js";
import { terminalSafe } from "../../util/terminal-safe.js";
import { loadProjectSetup } from "../../engine/deploy/project-setup.js";
import type { EngineSetup } from "../../engine/deploy/engine-setup.js";
import { planOperation } from "../../engine/deploy/plan-operation.js";
import { makeSavedPlan, writeSavedPlan } from "../../plan/plan-file.js";
import { hasChanges } from "../../plan/index.js";
import type { Project } from "../../project/project.js";
import type { DesiredDocument } from "../../synth/index.js";
import type { CliContext } from "../context.js";
import { collect, parsePositiveInt } from "../options.js";
import { projectRoot } from "../project-root.js";
import { secretsOpener } from "../secrets-opener.js";
import { renderPlanJson, renderPlanText } from "../views/plan-view.js";

export interface PlanFlags {
  target?: string[];
  exclude?: string[];
  replace?: string[];
  refresh?: string;
  lockTimeout?: string;
  parallelism?: string;
}

/**
 * The engine setup of the project at `-p`: hooks loaded, desired document synthesized in-process,
 * or `document` as given (a saved plan's).
 */
export function openProjectSetup(ctx: CliContext, document?: DesiredDocument, project?: Project): Promise<EngineSetup> {
  const root = projectRoot(ctx);
  return loadProjectSetup(root, {
    ...(document ? { document } : {}),
    ...(project ? { project } : {}),
    openSecrets: secretsOpener(ctx, root),
    log: (e) => ctx.out(terminalSafe(`${e.address}: [${e.hook}] ${e.level === "info" ? "" : `${e.level}: `}${e.message}`)),
  });
}

/** `--lock-timeout 30s|30|500ms` → milliseconds. */
export function parseLockTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new MeshroomError("E_USAGE", `--lock-timeout expects a duration like 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000);
}

export function parseRefresh(text: string | undefined): boolean {
  if (text === undefined || text === "true") return true;
  if (text === "false") return false;
  throw new MeshroomError("E_USAGE", `--refresh expects true or false, got ${JSON.stringify(text)}`);
}

/** Options shared by plan/apply/destroy. */
export function commonRequest(flags: PlanFlags) {
  const lockTimeoutMs = parseLockTimeout(flags.lockTimeout);
  return {
    ...(flags.target?.length ? { targets: flags.target } : {}),
    ...(flags.exclude?.length ? { excludes: flags.exclude } : {}),
    ...(flags.replace?.length ? { replaces: flags.replace } : {}),
    refresh: parseRefresh(flags.refresh),
    ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
    ...(flags.parallelism ? { parallelism: parsePositiveInt(flags.parallelism, "--parallelism") } : {}),
  };
}

export function addTargetingOptions(cmd: Command): Command {
  return cmd
    .option("--target <ADDR>", "only this resource and what it depends on (repeatable)", collect)
    .option("--exclude <ADDR>", "leave out this resource and what depends on it (repeatable)", collect)
    .option("--replace <ADDR>", "replace this resource even if unchanged (repeatable)", collect)
    .option("--refresh <bool>", "run read hooks to detect drift first (--refresh=false to skip)")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)");
}

interface PlanCommandFlags extends PlanFlags {
  out?: string;
  json?: boolean;
  destroy?: boolean;
  refreshOnly?: boolean;
  detailedExitcode?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("plan")
    .description("show what apply would change (nothing is changed)")
    .option("-o, --out <FILE>", "save the plan to FILE for `meshroom apply FILE`")
    .option("--json", "print the plan as JSON (shaped like `terraform show -json`)")
    .option("--destroy", "plan to destroy everything (or the targets)")
    .option("--refresh-only", "only update state from what read hooks report")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error");
  addTargetingOptions(cmd).action(async (flags: PlanCommandFlags) => {
    const setup = await openProjectSetup(ctx);
    for (const w of setup.warnings ?? []) ctx.err(`Warning: ${terminalSafe(w)}`);
    const { plan, state } = await planOperation(setup, {
      ...commonRequest(flags),
      ...(flags.destroy ? { destroy: true } : {}),
      ...(flags.refreshOnly ? { refreshOnly: true } : {}),
      onWarning: (w) => ctx.err(`Warning: ${terminalSafe(w)}`),
    });
    if (flags.json) ctx.out(JSON.stringify(renderPlanJson(plan, { prior: state, document: setup.document }), null, 2));
    else ctx.out(renderPlanText(plan, ctx.globals().color).join("\n")); // one write, not one per line (a big plan has thousands)
    if (flags.out) {
      await writeSavedPlan(flags.out, makeSavedPlan(plan, setup.document, state));
      if (!flags.json) ctx.out(`\nSaved the plan to ${flags.out}. Run \`meshroom apply ${flags.out}\` to perform exactly these actions.`);
    }
    if (flags.detailedExitcode && hasChanges(plan)) process.exitCode = 2;
  });
}
