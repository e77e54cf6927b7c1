import pc from "picocolors";
import { diffValues, type Drift, type FieldChange, type Plan, type PlanAction, type PlanChange } from "../../plan/index.js";
import { REDACTED } from "../../util/redact.js";
import { terminalSafeLine } from "../../util/terminal-safe.js";
import { SENSITIVE_CHANGED } from "./plan-json.js";

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOL: Record<PlanAction, string> = { create: "+", delete: "-", update: "~", replace: "-/+", "no-op": " " };
const VERB: Record<PlanAction, string> = {
  create: "will be created", delete: "will be destroyed", update: "will be updated in-place", replace: "must be replaced", "no-op": "is unchanged",
};
const REASON_TEXT: Record<string, string> = {
  create_because_gone: "it was deleted outside of meshroom",
  create_resume_interrupted: "resuming an interrupted create: completed steps are not run again",
  update_resume_interrupted: "resuming an interrupted update",
  update_because_drift: "its read hook reported a change",
  replace_because_tainted: "it is tainted: a previous apply failed or was interrupted",
  replace_by_request: "requested with --replace",
  replace_because_instance_replaced: "an instance it depends on is replaced",
  replace_because_cannot_update: "its inputs changed and it has no update hook",
  delete_because_removed: "it is no longer in the mesh",
};

/** The human plan: drift, one block per change, then the summary line. */
export function renderPlanText(plan: Plan, color: boolean): string[] {
  const c = pc.createColors(color);
  const out: string[] = [];
  if (plan.drift.length > 0) {
    out.push("Objects have changed outside of meshroom:", "");
    for (const d of plan.drift) out.push(...driftBlock(d, c), "");
  }
  if (plan.mode === "refresh-only") {
    out.push(plan.drift.length === 0 ? "No changes. The state matches what the read hooks report." : "Applying this refresh-only plan updates the state to match; no hook changes anything.");
    return out;
  }
  if (plan.changes.length === 0) {
    out.push(`${c.green("No changes.")} The mesh matches the state${plan.summary.noop ? ` (${plan.summary.noop} resource${plan.summary.noop === 1 ? "" : "s"} unchanged)` : ""}.`);
    return out;
  }
  out.push("meshroom will perform the following actions:", "");
  for (const ch of plan.changes) out.push(...changeBlock(ch, c), "");
  out.push(summaryLine(plan, c));
  return out;
}

export function summaryLine(plan: Plan, c: Colors = pc.createColors(false)): string {
  const s = plan.summary;
  return `${c.bold("Plan:")} ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

function paint(action: PlanAction, text: string, c: Colors): string {
  return action === "create" ? c.green(text) : action === "delete" ? c.red(text) : action === "update" ? c.yellow(text) : c.magenta(text);
}

function changeBlock(ch: PlanChange, c: Colors): string[] {
  const why = ch.reason && REASON_TEXT[ch.reason] ? ` (${REASON_TEXT[ch.reason]})` : "";
  const lines = [c.dim(`  # ${ch.address} ${VERB[ch.action]}${why}`), `${paint(ch.action, SYMBOL[ch.action].padStart(3), c)} ${ch.address}`];
  const fields = compactIntegrations(ch, ch.action === "delete" ? deletedFields(ch) : ch.action === "create" ? diffValues(null, ch.after) : ch.fields);
  const width = Math.min(40, Math.max(0, ...fields.map((f) => f.path.length)));
  for (const f of fields) lines.push(`      ${fieldLine(f, width, ch.action, c)}`);
  return lines;
}

const INTEGRATION_FIELDS = ["src_integration", "dst_integration"] as const;

/** One line per plug side (`src_integration = "edr → siem: producer events (push, explicit)"`) instead of seven leaf fields. */
function compactIntegrations(ch: PlanChange, fields: FieldChange[]): FieldChange[] {
  if (ch.type !== "meshroom_plug") return fields;
  const out = fields.filter((f) => !INTEGRATION_FIELDS.some((k) => f.path === k || f.path.startsWith(`${k}.`)));
  for (const k of INTEGRATION_FIELDS) {
    if (!fields.some((f) => f.path === k || f.path.startsWith(`${k}.`))) continue;
    const f: FieldChange = { path: k, sensitive: false };
    if (ch.before && ch.action !== "create") f.before = describeRef(ch.before.inputs[k]);
    if (ch.after && ch.action !== "delete") f.after = describeRef(ch.after.inputs[k]);
    out.push(f);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function describeRef(v: unknown): string | null {
  if (v === null || typeof v !== "object") return null;
  const r = v as { product?: string; target?: string; role?: string; topic?: string; mode?: string; format?: string; explicit?: boolean };
  return `${r.product} → ${r.target}: ${r.role} ${r.topic} (${r.mode}${r.format ? `, ${r.format}` : ""}, ${r.explicit ? "explicit" : "generic"})`;
}

function deletedFields(ch: PlanChange): FieldChange[] {
  const inputs = ch.before?.inputs ?? {};
  const keys = ch.type === "meshroom_instance" ? ["name", "product"] : ["src", "dst", "topic", "mode"];
  return keys.filter((k) => k in inputs).map((k) => ({ path: k, before: inputs[k], sensitive: false }));
}

export { renderPlanJson, SENSITIVE_CHANGED } from "./plan-json.js";

function fieldLine(f: FieldChange, width: number, action: PlanAction, c: Colors): string {
  const show = (v: unknown) => (f.sensitive ? REDACTED : terminalSafeLine(JSON.stringify(v) ?? "undefined"));
  const name = f.path.padEnd(width);
  if (!("before" in f) || (action === "create" && f.before === undefined)) return `${c.green("+")} ${name} = ${show(f.after)}`;
  if (!("after" in f)) return `${c.red("-")} ${name} = ${show(f.before)}${action === "delete" ? "" : c.dim(" -> null")}`;
  if (f.sensitive) return `${c.yellow("~")} ${name} = ${SENSITIVE_CHANGED}`;
  return `${c.yellow("~")} ${name} = ${show(f.before)} -> ${show(f.after)}`;
}

function driftBlock(d: Drift, c: Colors): string[] {
  if (d.kind === "gone") return [c.dim(`  # ${d.address} has been deleted`), `${c.red("  -")} ${d.address}`];
  const lines = [c.dim(`  # ${d.address} has changed`), `${c.yellow("  ~")} ${d.address}`];
  for (const k of Object.keys(d.after).sort()) {
    if (JSON.stringify(d.before[k]) !== JSON.stringify(d.after[k])) lines.push(terminalSafeLine(`      ~ outputs.${k} = ${JSON.stringify(d.before[k])} -> ${JSON.stringify(d.after[k])}`));
  }
  return lines;
}
