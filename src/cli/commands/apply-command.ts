import type { Command } from "commander";
import type { ApplyEvent } from "../../apply/index.js";
import { MeshroomError } from "../../errors/index.js";
import { exitNow } from "../../util/exit-guard.js";
import { applyExitCode, applyOperation, destroyOperation, refreshOperation, type ApplyOutcome, type ApplyRequest } from "../../engine/deploy/apply-operation.js";
import type { EmergencySave } from "../../state/index.js";
import { readSavedPlan } from "../../plan/plan-file.js";
import { DEFAULT_HOOK_TIMEOUT_S } from "../../hooks/descriptor.js";
import { downOperation, upOperation, type MeshFilter } from "../../engine/deploy/up-down-operation.js";
import type { Plan } from "../../plan/index.js";
import type { CliContext } from "../context.js";
import { parseMode } from "../options.js";
import { StdinLines } from "../stdin.js";
import { progressLine, resultLines } from "../views/progress.js";
import { renderPlanText } from "../views/plan-view.js";
import { completeMissingValues } from "../missing-values.js";
import { addTargetingOptions, commonRequest, openProjectSetup, type PlanFlags } from "./plan-command.js";

interface ApplyFlags extends PlanFlags {
  autoApprove?: boolean;
  refreshOnly?: boolean;
}

const QUESTION = "Do you want to perform these actions? Only 'yes' will be accepted: ";

/**
 * Runs an apply-like operation with the progress view and Ctrl-C handling: the first SIGINT/SIGTERM
 * stops new hooks, aborts running ones and saves state (exit 130); the second exits at once.
 */
async function runWithProgress(
  ctx: CliContext,
  destroy: boolean,
  run: (req: Pick<ApplyRequest, "signal" | "onEvent" | "onPlan" | "stopNow" | "onStoppedNow" | "confirm">) => Promise<ApplyOutcome>,
  confirm: ((plan: Plan) => Promise<boolean>) | undefined,
): Promise<void> {
  const { color, debug } = ctx.globals();
  const ctl = new AbortController();
  const stopNow = new AbortController();
  let saved: EmergencySave = { stored: false };
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      ctx.err("\nInterrupt received: no new hooks will start; running ones are being stopped and state saved. Press Ctrl-C again to exit at once.");
      ctl.abort(new MeshroomError("E_ABORTED", "interrupted by the user"));
      return;
    }
    stopNow.abort(); // the engine saves state synchronously right here (onStoppedNow) when it is applying
    const what = saved.stored
      ? "State was saved, but it may be behind what the running hooks did."
      : saved.savedTo
        ? `The state backend cannot be written in time: the state was saved to ${saved.savedTo} instead (run \`meshroom state push ${saved.savedTo}\` to store it); it may be behind what the running hooks did.`
        : saved.error !== undefined
          ? `Saving state failed (${saved.error instanceof Error ? saved.error.message : String(saved.error)}); it may be behind what the running hooks did.`
          : "State may not be saved, and it may be behind what the running hooks did.";
    ctx.err(`Second interrupt: exiting now. ${what}`);
    exitNow(130); // not intercepted while hooks run (util/exit-guard.ts)
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const outcome = await run({
      signal: ctl.signal,
      stopNow: stopNow.signal,
      onStoppedNow: (s) => (saved = s),
      onPlan: (plan) => {
        // one write, not one per line (a big plan has thousands): the same text
        ctx.out([...renderPlanText(plan, color), ""].join("\n"));
      },
      onEvent: (e: ApplyEvent) => {
        const line = progressLine(e, color, debug);
        if (line) ctx.out(line);
      },
      ...(confirm ? { confirm } : {}),
    });
    if (!outcome.result) return;
    const { out, err } = resultLines(outcome.result, destroy, color, debug);
    ctx.out("");
    for (const l of err) ctx.err(l);
    for (const l of out) ctx.out(l);
    const code = applyExitCode(outcome, ctl.signal.aborted);
    if (code !== 0) process.exitCode = code;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** The `yes` question, or an error when there is no terminal to ask on. */
function confirmer(ctx: CliContext, autoApprove: boolean | undefined, what: string): ((plan: Plan) => Promise<boolean>) | undefined {
  if (autoApprove) return undefined;
  if (!ctx.interactive()) {
    throw new MeshroomError("E_USAGE", `${what} needs --auto-approve when not run in an interactive terminal (no TTY, or CI is set)`, {
      detail: `review the plan with \`meshroom plan -o FILE\`, then run \`meshroom apply FILE\`, or pass --auto-approve`,
    });
  }
  return async () => {
    ctx.io.stdout.write(QUESTION);
    const lines = new StdinLines(ctx.io.stdin);
    try {
      return (await lines.next())?.trim() === "yes";
    } finally {
      await lines.close();
    }
  };
}

function meshFilter(src?: string, dst?: string, topic?: string, mode?: string): MeshFilter {
  const m = parseMode(mode);
  return { ...(src ? { src } : {}), ...(dst ? { dst } : {}), ...(topic ? { topic } : {}), ...(m ? { mode: m } : {}) };
}

/** Shown under the options of every command that runs hooks. */
const HOOK_TIMEOUT_HELP =
  `\nHook timeout: each hook has ${DEFAULT_HOOK_TIMEOUT_S} s (${DEFAULT_HOOK_TIMEOUT_S / 60} min) to finish by default; a hook sets its own ` +
  "with `{ timeout: SECONDS }` when it registers (or `timeout:` on a command hook). A hook still running then is aborted and its step fails.";

export function register(program: Command, ctx: CliContext): void {
  const apply = program
    .command("apply")
    .description("make the real products match the mesh (asks for `yes` unless --auto-approve or a saved plan)")
    .argument("[planfile]", "a plan saved with `meshroom plan -o FILE`: applied as-is, refused if the state moved since")
    .option("--auto-approve", "do not ask for confirmation")
    .option("--refresh-only", "only record in state what read hooks report (drift); no hook changes anything")
    .option("--parallelism <N>", "most hooks running at once (default 10)");
  apply.addHelpText("after", HOOK_TIMEOUT_HELP);
  addTargetingOptions(apply).action(async (planfile: string | undefined, flags: ApplyFlags) => {
    if (planfile && flags.refreshOnly) {
      throw new MeshroomError("E_USAGE", "--refresh-only makes a new plan: it cannot be used with a saved plan", {
        detail: `a refresh-only plan is saved with \`meshroom plan --refresh-only -o FILE\`; \`meshroom apply ${planfile}\` then applies it as it is`,
      });
    }
    const saved = planfile ? { plan: await readSavedPlan(planfile), file: planfile } : undefined;
    const confirm = saved ? undefined : confirmer(ctx, flags.autoApprove, "apply");
    const project = saved ? undefined : await completeMissingValues(ctx);
    const setup = await openProjectSetup(ctx, saved?.plan.document, project);
    const refreshOnly = flags.refreshOnly ? { refreshOnly: true, refresh: true } : {};
    await runWithProgress(ctx, false, (r) => applyOperation(setup, { ...commonRequest(flags), ...refreshOnly, ...r, ...(saved ? { saved } : {}) }), confirm);
  });

  const destroy = program
    .command("destroy")
    .description("tear down everything in state (or the targets and what depends on them)")
    .option("--auto-approve", "do not ask for confirmation")
    .option("--parallelism <N>", "most hooks running at once (default 10)")
    .option("--target <ADDR>", "only this resource and what depends on it (repeatable)", (v: string, p: string[] = []) => [...p, v])
    .option("--refresh <bool>", "run read hooks first (--refresh=false to skip)")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)");
  destroy.addHelpText("after", HOOK_TIMEOUT_HELP);
  destroy.action(async (flags: ApplyFlags) => {
    const confirm = confirmer(ctx, flags.autoApprove, "destroy");
    const setup = await openProjectSetup(ctx);
    await runWithProgress(ctx, true, (r) => destroyOperation(setup, { ...commonRequest(flags), ...r }), confirm);
  });

  const filterArgs = (c: Command) =>
    c.argument("[src]", "source instance").argument("[dst]", "destination instance").argument("[topic]").argument("[mode]", "push or pull")
      .option("--parallelism <N>", "most hooks running at once (default 10)")
      .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)")
      .addHelpText("after", HOOK_TIMEOUT_HELP);
  filterArgs(program.command("up").description("apply without asking: everything, one instance's outgoing plugs, or one plug")).action(
    async (src: string | undefined, dst: string | undefined, topic: string | undefined, mode: string | undefined, flags: ApplyFlags) => {
      const project = await completeMissingValues(ctx);
      const setup = await openProjectSetup(ctx, undefined, project);
      const f = meshFilter(src, dst, topic, mode);
      await runWithProgress(ctx, false, (r) => upOperation(setup, f, { ...commonRequest(flags), ...r }), undefined);
    },
  );
  filterArgs(program.command("down").description("destroy without asking: everything, one instance's outgoing plugs, or one plug")).action(
    async (src: string | undefined, dst: string | undefined, topic: string | undefined, mode: string | undefined, flags: ApplyFlags) => {
      const setup = await openProjectSetup(ctx);
      const f = meshFilter(src, dst, topic, mode);
      await runWithProgress(ctx, true, (r) => downOperation(setup, f, { ...commonRequest(flags), ...r }), undefined);
    },
  );

  program
    .command("refresh")
    .description("update state from what read hooks report (no hook changes anything)")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)")
    .addHelpText("after", HOOK_TIMEOUT_HELP)
    .action(async (flags: ApplyFlags) => {
      const setup = await openProjectSetup(ctx);
      await runWithProgress(ctx, false, (r) => refreshOperation(setup, { ...commonRequest(flags), ...r }), undefined);
    });
}
