/**
 * Issue 20 item 9: `plan --json`, `show --json [PLANFILE]` have the shape of `terraform show
 * -json` (keys and value types), checked against documents captured from Terraform 1.11 with
 * `terraform_data` resources (fixtures/terraform-1.11/capture.sh). Resource values are meshroom's
 * own (inputs, outputs, secret markers): only their kind (object, null, false) is compared. Also
 * `apply --refresh-only` and `show` of the state and of a saved plan.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { basicMesh, type MeshProject } from "../engine/fixtures.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures/terraform-1.11");
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as { [k: string]: Json };

/** Terraform keys meshroom has no counterpart for (it says `meshroom_version`; a mesh has no variables or outputs). */
const NOT_IN_MESHROOM = new Set(["terraform_version", "variables", "output_changes", "outputs", "relevant_attributes"]);
/** Optional in Terraform too: only resources with dependencies have depends_on, only some replacements replace_paths. */
const OPTIONAL = new Set(["depends_on", "replace_paths"]);
/** Objects keyed by a name (Terraform's provider is `terraform`, meshroom's `meshroom`): each value is compared with Terraform's first. */
const NAMED = new Set(["provider_config"]);
/** Resource values: Terraform's are terraform_data's attributes, meshroom's its inputs; only the kind is compared. */
const OPAQUE = new Set(["values", "before", "after", "sensitive_values", "before_sensitive", "after_sensitive", "after_unknown", "constant_value", "expressions"]);
/** meshroom's additions (documented in the README). */
const MESHROOM_ONLY = new Set(["meshroom_version", "plan_mode", "state_lineage", "state_serial", "summary", "action_reason", "tainted", "resource_drift", "resource_changes", "prior_state"]);

function kind(v: Json | undefined): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Problems with `ours` against Terraform's `theirs`: every key Terraform has, with the same kind of value. */
function shapeProblems(ours: Json | undefined, theirs: Json, path = "$"): string[] {
  const key = path.split(".").pop() ?? "";
  if (kind(ours) !== kind(theirs)) return [`${path}: ${kind(ours)} where Terraform has ${kind(theirs)}`];
  if (OPAQUE.has(key)) return [];
  if (Array.isArray(theirs)) {
    if (theirs.length === 0) return [];
    return (ours as Json[]).flatMap((o, i) => shapeProblems(o, theirs[0] as Json, `${path}[${i}]`));
  }
  if (kind(theirs) !== "object") return [];
  const o = ours as { [k: string]: Json };
  const t = theirs as { [k: string]: Json };
  if (NAMED.has(key)) {
    const first = Object.values(t)[0];
    return first === undefined ? [] : Object.entries(o).flatMap(([k, v]) => shapeProblems(v, first, `${path}.${k}`));
  }
  const out: string[] = [];
  for (const k of Object.keys(t)) {
    if (NOT_IN_MESHROOM.has(k)) continue;
    if (!(k in o)) {
      if (!OPTIONAL.has(k)) out.push(`${path}.${k}: missing`);
      continue;
    }
    out.push(...shapeProblems(o[k], t[k] as Json, `${path}.${k}`));
  }
  for (const k of Object.keys(o)) if (!(k in t) && !MESHROOM_ONLY.has(k) && !OPTIONAL.has(k)) out.push(`${path}.${k}: not in Terraform's document`);
  return out;
}

/** A resource change of the fixtures with these actions (all fixtures searched). */
function terraformChange(actions: Json): Json {
  for (const f of ["plan-create", "plan-update", "plan-destroy"]) {
    const c = (fixture(f).resource_changes as Json[]).find((x) => JSON.stringify((x as { change: { actions: Json } }).change.actions) === JSON.stringify(actions));
    if (c) return c;
  }
  throw new Error(`no Terraform change with actions ${JSON.stringify(actions)} in the fixtures`);
}

/** The document with its resource changes and drift checked one by one against Terraform's of the same actions. */
function planProblems(ours: { [k: string]: Json }, theirs: { [k: string]: Json }): string[] {
  const { resource_changes: changes = [], resource_drift: drift = [], ...rest } = ours;
  const { resource_changes: _c, ...theirRest } = theirs;
  return [
    ...shapeProblems(rest, theirRest),
    ...(changes as Json[]).flatMap((c, i) => shapeProblems(c, terraformChange((c as { change: { actions: Json } }).change.actions), `$.resource_changes[${i}]`)),
    // Terraform documents resource_drift entries as having the shape of resource_changes entries
    ...(drift as Json[]).flatMap((c, i) => shapeProblems(c, terraformChange((c as { change: { actions: Json } }).change.actions), `$.resource_drift[${i}]`)),
  ];
}

const READ_HOOK = `import { readInstance } from "meshroom/hooks";
import { existsSync } from "node:fs";
import { join } from "node:path";
readInstance(async ({ outputs }) => {
  const dir = process.env.MESHROOM_TEST_DIR ?? "";
  return existsSync(join(dir, "drift")) ? { exists: true, outputs: { ...outputs, seen: "changed by hand" } } : { exists: true, outputs };
});
`;

let m: MeshProject;
const json = async (...args: string[]) => {
  const r = await m.cli(...args);
  if (r.code !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { [k: string]: Json };
};

describe("JSON plans and state have the shape of `terraform show -json` (Terraform 1.11 fixtures)", () => {
  beforeAll(() => {
    m = basicMesh();
    m.write("products/edr/read.ts", READ_HOOK);
  });
  afterAll(() => m.cleanup());

  it("the fixtures are Terraform 1.11's", () => {
    expect(readFileSync(join(FIXTURES, "VERSION"), "utf8")).toMatch(/^Terraform v1\.11\./);
    expect(fixture("plan-update").format_version).toBe("1.2");
    expect(fixture("state").format_version).toBe("1.0");
  });

  it("state, create, change, drift, refresh-only and destroy plans; show PLANFILE prints what plan --json did", async () => {
    const empty = await json("show", "-json");
    expect(shapeProblems(empty, fixture("state-empty"))).toEqual([]);
    expect(empty.values).toBeUndefined();

    const create = await json("plan", "--json", "-o", join(m.root, "create.plan"));
    expect(planProblems(create, fixture("plan-create"))).toEqual([]);
    expect(create.prior_state).toBeUndefined(); // no state yet, as Terraform
    const planned = (create.planned_values as { root_module: { resources: Array<{ address: string }> } }).root_module.resources.map((r) => r.address);
    expect(planned).toEqual(["instance.edr1", "instance.siem1", "plug.edr1.siem1.events.push"]);
    const config = create.configuration as { root_module: { resources: Array<{ address: string; depends_on?: string[]; expressions: Record<string, { constant_value: unknown }> }> } };
    expect(config.root_module.resources[2]).toMatchObject({ address: "plug.edr1.siem1.events.push", depends_on: ["instance.edr1", "instance.siem1"] });
    expect(config.root_module.resources[0]!.expressions.settings!.constant_value).toEqual({ url: "https://edr" });

    // `show -json PLANFILE` prints the same document (its timestamp is the plan's)
    const shown = await json("show", "--json", join(m.root, "create.plan"));
    expect({ ...shown, timestamp: 0 }).toEqual({ ...create, timestamp: 0 });
    expect(shapeProblems(shown, fixture("plan-create")).length + planProblems(shown, fixture("plan-create")).length).toBe(0);
    expect((await m.cli("show", join(m.root, "create.plan"))).stdout).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");

    expect((await m.cli("apply", "--auto-approve")).code).toBe(0);
    const state = await json("show", "--json");
    expect(shapeProblems(state, fixture("state"))).toEqual([]);
    const edr = (state.values as { root_module: { resources: Array<{ address: string; values: { outputs: unknown } }> } }).root_module.resources[0]!;
    expect(edr).toMatchObject({ address: "instance.edr1", values: { outputs: { id: "i-edr1" } } });
    expect((await m.cli("show")).stdout).toContain("# instance.edr1:\n");

    // a setting changes: the instance and the plug that depends on it are replaced
    m.instance("siem", "siem1", { port: 9000 });
    const change = await json("plan", "--json");
    expect(planProblems(change, fixture("plan-update"))).toEqual([]);
    const actions = (change.resource_changes as Array<{ change: { actions: string[] } }>).map((c) => c.change.actions.join("+"));
    expect(actions).toContain("delete+create");
    expect(change.prior_state).toMatchObject({ format_version: "1.0" });
    m.instance("siem", "siem1", { port: 8514 });

    // drift found by a read hook: resource_drift; a refresh-only plan; `apply --refresh-only` records it
    m.write("drift", "");
    const refreshOnly = await json("plan", "--refresh-only", "--json");
    expect(planProblems(refreshOnly, fixture("plan-refresh-only"))).toEqual([]);
    expect(refreshOnly.resource_drift).toEqual([
      expect.objectContaining({ address: "instance.edr1", change: expect.objectContaining({ actions: ["update"], after: expect.objectContaining({ outputs: { id: "i-edr1", seen: "changed by hand" } }) }) }),
    ]);
    m.clearCalls();
    const applied = await m.cli("apply", "--refresh-only", "--auto-approve");
    expect(applied.code, applied.stderr).toBe(0);
    expect(m.calls()).toEqual([]); // no setup or teardown hook ran
    expect(m.state().resources.find((r) => r.address === "instance.edr1")?.outputs).toEqual({ id: "i-edr1", seen: "changed by hand" });
    expect((await m.cli("plan", "--refresh-only")).stdout).toContain("No changes.");

    const destroy = await json("plan", "--destroy", "--json");
    expect(planProblems(destroy, fixture("plan-destroy")), JSON.stringify(destroy, null, 1)).toEqual([]);
    expect(destroy.planned_values).toEqual({ root_module: {} }); // as Terraform: no resources left
  });

  it("the check itself catches a document that is not shaped like Terraform's", () => {
    const t = fixture("plan-update");
    expect(planProblems(t, t)).toEqual([]);
    expect(planProblems({ ...t, planned_values: [] }, t)).toEqual(["$.planned_values: array where Terraform has object"]);
    const { prior_state: _p, ...noPrior } = t;
    expect(planProblems(noPrior, t)).toEqual(["$.prior_state: missing"]);
    expect(planProblems({ ...t, colour: 1 }, t)).toEqual(["$.colour: not in Terraform's document"]);
    const changes = t.resource_changes as Array<{ change: { [k: string]: Json } }>;
    const broken = changes.map((c) => ({ ...c, change: { ...c.change, after_unknown: undefined as unknown as Json } }));
    expect(planProblems({ ...t, resource_changes: broken as unknown as Json }, t)).toContain("$.resource_changes[0].change.after_unknown: undefined where Terraform has object");
  });

  it("apply --refresh-only refuses a saved plan (that plan is applied as it is)", async () => {
    const r = await m.cli("apply", "--refresh-only", join(m.root, "create.plan"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--refresh-only makes a new plan: it cannot be used with a saved plan");
  });
});
