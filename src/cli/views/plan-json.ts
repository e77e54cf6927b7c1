// A plan as `terraform show -json PLANFILE` prints one (format 1.2): planned_values,
// resource_drift, resource_changes, prior_state, configuration, and the flags. Checked against
// documents captured from Terraform 1.11 (test/plan/fixtures/terraform-1.11/). meshroom adds
// `meshroom_version` (where Terraform says `terraform_version`), plan_mode, state_lineage,
// state_serial and summary. Secrets appear only as markers, never their values nor their HMACs.
import type { Drift, Plan, PlanAction, PlanChange } from "../../plan/index.js";
import type { StateFile, StateResource } from "../../state/index.js";
import { desiredResources, type DesiredDocument } from "../../synth/index.js";
import { REDACTED } from "../../util/redact.js";
import { VERSION } from "../../util/version.js";
import { byAddress, rootModule, PROVIDER_KEY, PROVIDER_NAME, resourceHead, secretMarkers, sensitiveOf, STATE_JSON_FORMAT, stateResourceJson, stateValues, stateValuesJson } from "./state-json.js";

export const PLAN_JSON_FORMAT = "1.2";

/** A changed secret: its before/after are HMACs, so the plan only says that it changed. */
export const SENSITIVE_CHANGED = "(sensitive value changed)";

export interface PlanJsonContext {
  /** The state the plan was made against: `prior_state`, and the planned values of what does not change. */
  prior?: StateFile | undefined;
  /** The desired document the plan was made from: `configuration`. */
  document?: DesiredDocument;
  /** When the plan was made (default: now). */
  timestamp?: string;
}

/** The document `plan --json` and `show --json PLANFILE` print. */
export function renderPlanJson(plan: Plan, ctx: PlanJsonContext = {}): Record<string, unknown> {
  const prior = new Map((ctx.prior?.resources ?? []).map((r) => [r.address, r]));
  return {
    format_version: PLAN_JSON_FORMAT,
    meshroom_version: VERSION,
    plan_mode: plan.mode,
    state_lineage: plan.lineage,
    state_serial: plan.serial,
    // a refresh-only plan changes no resource: Terraform lists none there either
    planned_values: { root_module: rootModule(plan.mode === "refresh-only" ? [] : plannedResources(plan, prior)) },
    resource_drift: plan.drift.map((d) => driftJson(d, prior.get(d.address))),
    resource_changes: plan.changes.map((ch) => changeJson(ch, prior.get(ch.address))),
    ...(ctx.prior ? { prior_state: { format_version: STATE_JSON_FORMAT, meshroom_version: ctx.prior.meshroom_version || VERSION, values: stateValuesJson(ctx.prior) } } : {}),
    ...(ctx.document ? { configuration: configurationJson(ctx.document) } : {}),
    timestamp: ctx.timestamp ?? new Date().toISOString(),
    applyable: plan.changes.length > 0 || (plan.recordDrift?.length ?? 0) > 0,
    complete: true,
    errored: false,
    summary: plan.summary,
  };
}

function changeJson(ch: PlanChange, prior: StateResource | undefined): Record<string, unknown> {
  const before = values(ch.before);
  if (before && prior) before.outputs = prior.outputs;
  return {
    ...resourceHead(ch.address, ch.type),
    change: {
      actions: jsonActions(ch.action),
      before,
      after: values(ch.after, ch.before),
      // what hooks will record is known only once they ran
      after_unknown: ch.after ? { outputs: true } : {},
      before_sensitive: sensitive(ch.before),
      after_sensitive: sensitive(ch.after),
      // the changed inputs that force a replacement (as Terraform lists the attributes that do)
      ...(ch.action === "replace" && ch.fields.length > 0 ? { replace_paths: ch.fields.map((f) => f.path.split(".")) } : {}),
    },
    ...(ch.reason ? { action_reason: ch.reason } : {}),
  };
}

/** Drift entries have the shape of resource changes: what state says, then what the read hook found. */
function driftJson(d: Drift, prior: StateResource | undefined): Record<string, unknown> {
  const base = prior ? stateValues(prior) : {};
  return {
    ...resourceHead(d.address, d.type),
    change: {
      actions: d.kind === "gone" ? ["delete"] : ["update"],
      before: { ...base, outputs: d.before },
      after: d.kind === "gone" ? null : { ...base, outputs: d.after },
      after_unknown: {},
      before_sensitive: prior ? sensitiveOf(prior.secret_hmacs) : {},
      after_sensitive: d.kind === "gone" || !prior ? false : sensitiveOf(prior.secret_hmacs),
    },
  };
}

/** Every resource as it will be once the plan is applied: state after drift, then the changes. */
function plannedResources(plan: Plan, prior: ReadonlyMap<string, StateResource>): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of prior.values()) out.set(r.address, stateResourceJson(r));
  for (const d of plan.drift) {
    const r = prior.get(d.address);
    if (d.kind === "gone") out.delete(d.address);
    else if (r) out.set(d.address, stateResourceJson({ ...r, outputs: d.after }));
  }
  for (const ch of plan.changes) {
    if (!ch.after) {
      out.delete(ch.address);
      continue;
    }
    out.set(ch.address, {
      ...resourceHead(ch.address, ch.type),
      schema_version: 0,
      values: values(ch.after, ch.before),
      sensitive_values: sensitiveOf(ch.after.secret_hmacs),
      ...(ch.dependencies.length > 0 ? { depends_on: [...ch.dependencies].sort() } : {}),
    });
  }
  return [...out.values()].sort((a, b) => byAddress(a as { address: string }, b as { address: string }));
}

/** The desired document as Terraform's `configuration`: each resource's inputs as constant expressions. */
function configurationJson(document: DesiredDocument): Record<string, unknown> {
  const resources = desiredResources(document)
    .map((r) => {
      const expressions: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.inputs)) expressions[k] = { constant_value: v };
      if (r.secretRefs.length > 0) expressions.secrets = { references: r.secretRefs.map((n) => `secret.${n}`) };
      const { provider_name: _p, ...head } = resourceHead(r.address, r.type);
      return { ...head, provider_config_key: PROVIDER_KEY, expressions, schema_version: 0, ...(r.dependencies.length > 0 ? { depends_on: [...r.dependencies].sort() } : {}) };
    })
    .sort(byAddress);
  return { provider_config: { [PROVIDER_KEY]: { name: PROVIDER_KEY, full_name: PROVIDER_NAME } }, root_module: rootModule(resources) };
}

function jsonActions(a: PlanAction): string[] {
  return a === "replace" ? ["delete", "create"] : [a];
}

/** Inputs, and each secret as a marker (never its HMAC); `after` says which secrets changed since `before`. */
function values(v: PlanChange["before"], before?: PlanChange["before"]): Record<string, unknown> | null {
  if (!v) return null;
  const secrets = secretMarkers(v.secret_hmacs, (name) => {
    const was = before?.secret_hmacs[name];
    return was !== undefined && was !== v.secret_hmacs[name] ? SENSITIVE_CHANGED : REDACTED;
  });
  return { ...v.inputs, secrets };
}

function sensitive(v: PlanChange["before"]): Record<string, unknown> | false {
  return v ? sensitiveOf(v.secret_hmacs) : false;
}
