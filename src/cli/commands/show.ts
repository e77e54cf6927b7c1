// `meshroom show [--json] [PLANFILE]` (after `terraform show`): the state of the selected
// workspace, or a plan saved with `plan -o FILE`, for people or (--json, also spelled -json)
// shaped like `terraform show -json`.
import type { Command } from "commander";
import type { StateFile, StateResource } from "../../state/index.js";
import { openProjectStateStore } from "../../state/open-backend.js";
import { readSavedPlan, savedPlanPrior } from "../../plan/plan-file.js";
import { REDACTED } from "../../util/redact.js";
import { terminalSafeLine } from "../../util/terminal-safe.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";
import { renderPlanJson } from "../views/plan-json.js";
import { renderPlanText } from "../views/plan-view.js";
import { renderStateJson } from "../views/state-json.js";
import { projectBackendSettings } from "./workspace.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("show")
    .description("show the state, or a plan saved with `meshroom plan -o FILE` (--json: shaped like `terraform show -json`)")
    .argument("[planfile]", "a saved plan to show instead of the state")
    .option("--json", "print as JSON (`-json` is accepted too)")
    .action(async (planfile: string | undefined, flags: { json?: boolean }) => {
      if (planfile) {
        const saved = await readSavedPlan(planfile);
        if (flags.json) {
          ctx.out(JSON.stringify(renderPlanJson(saved.plan, { prior: savedPlanPrior(saved, planfile), document: saved.document, timestamp: saved.created }), null, 2));
        } else {
          ctx.out(renderPlanText(saved.plan, ctx.globals().color).join("\n"));
        }
        return;
      }
      const root = projectRoot(ctx);
      const state = await (await openProjectStateStore(root, projectBackendSettings(root), ctx.io.env)).read();
      if (flags.json) ctx.out(JSON.stringify(renderStateJson(state), null, 2));
      else for (const line of stateText(state)) ctx.out(line);
    });
}

/** One block per resource: its inputs, the outputs its hooks recorded, its secrets as markers. */
function stateText(state: StateFile | undefined): string[] {
  if (!state || state.resources.length === 0) return ["The state is empty: no resources are recorded."];
  const out: string[] = [];
  for (const r of [...state.resources].sort((a, b) => (a.address < b.address ? -1 : 1))) out.push(...resourceBlock(r), "");
  out.pop();
  return out;
}

function resourceBlock(r: StateResource): string[] {
  const fields: Array<[string, string]> = [];
  const walk = (v: unknown, path: string) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k);
    } else fields.push([path, JSON.stringify(v) ?? "null"]);
  };
  walk(r.inputs, "");
  if (Object.keys(r.outputs).length > 0) walk(r.outputs, "outputs");
  for (const name of Object.keys(r.secret_hmacs).sort()) fields.push([`secrets.${name}`, REDACTED]);
  const width = Math.min(40, Math.max(0, ...fields.map(([p]) => p.length)));
  const status = r.status === "ready" ? "" : ` (${r.status}${r.pending_step ? `, interrupted during '${r.pending_step.title}'` : ""})`;
  return [`# ${r.address}:${status}`, ...fields.map(([p, v]) => terminalSafeLine(`    ${p.padEnd(width)} = ${v}`))];
}
