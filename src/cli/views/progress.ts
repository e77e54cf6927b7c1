import pc from "picocolors";
import type { ApplyEvent, ApplyResult, NodePhase } from "../../apply/index.js";
import { isMeshroomError } from "../../errors/index.js";
import { terminalSafe, terminalSafeLine } from "../../util/terminal-safe.js";

const STARTING: Record<NodePhase, string> = { create: "Creating...", update: "Modifying...", delete: "Destroying..." };
const DONE: Record<NodePhase, string> = { create: "Creation complete", update: "Modifications complete", delete: "Destruction complete" };

/** One line per resource start/finish with elapsed time; failures and skips are kept for the end. */
export function progressLine(e: ApplyEvent, color: boolean, debug: boolean): string | undefined {
  const c = pc.createColors(color);
  switch (e.type) {
    case "start":
      return `${c.bold(e.address)}: ${STARTING[e.phase]}`;
    case "finish":
      return `${c.bold(e.address)}: ${DONE[e.phase]} after ${seconds(e.elapsedMs)}`;
    case "fail":
      return `${c.bold(e.address)}: ${c.red("Failed")} after ${seconds(e.elapsedMs)}`;
    case "interrupted":
      return `${c.bold(e.address)}: ${c.yellow("Interrupted")} after ${seconds(e.elapsedMs)} (state records what completed)`;
    case "step":
      return debug ? c.dim(`${e.address}: running '${terminalSafeLine(e.title)}' (${e.phase})`) : undefined;
    default:
      return undefined;
  }
}

/** The closing lines: each failure once (address, hook, message), skipped resources grouped by cause, the summary. */
export function resultLines(r: ApplyResult, destroy: boolean, color: boolean, debug: boolean): { out: string[]; err: string[] } {
  const c = pc.createColors(color);
  const err: string[] = [];
  for (const f of r.failures) {
    const e = f.error;
    const msg = terminalSafe(isMeshroomError(e) ? e.render() : e instanceof Error ? e.message : String(e));
    err.push(`${c.red("Error:")} ${f.address}: ${msg}`);
    if (debug && e instanceof Error && e.stack) err.push(e.stack);
  }
  const byCause = new Map<string, string[]>();
  for (const s of r.skipped) byCause.set(s.because, [...(byCause.get(s.because) ?? []), s.address]);
  for (const [because, list] of byCause) {
    const uniq = [...new Set(list)];
    err.push(`Skipped ${uniq.length} resource${uniq.length === 1 ? "" : "s"} because ${because} failed: ${uniq.join(", ")}`);
  }
  if (r.stateError !== undefined) {
    const e = r.stateError;
    err.push(`${c.red("Error:")} ${terminalSafe(isMeshroomError(e) ? e.render() : String(e))}`);
  }
  const counts = destroy && r.added === 0 && r.changed === 0
    ? `Resources: ${r.destroyed} destroyed.`
    : `Resources: ${r.added} added, ${r.changed} changed, ${r.destroyed} destroyed.`;
  const out: string[] = [];
  const next = r.stateError === undefined ? "state saved. Run the command again to resume." : "the state could NOT be saved (see the error above).";
  if (r.interrupted.length > 0) out.push(c.yellow(`Interrupted: ${r.interrupted.length} resource${r.interrupted.length === 1 ? "" : "s"} not finished; ${next}`));
  if (r.stateError !== undefined) {
    // Never a count of what was "added": the stored state does not say so, and the next plan will not either.
    out.push(c.red(`${destroy ? "Destroy" : "Apply"} failed: the state could not be saved, so the stored state does not record what this run did.`));
  } else if (r.failures.length === 0 && r.interrupted.length === 0) {
    out.push(c.green(`${destroy ? "Destroy" : "Apply"} complete! ${counts}`));
  } else {
    out.push(`${destroy ? "Destroy" : "Apply"} finished with errors. ${counts}`);
  }
  return { out, err };
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
