// No secret value leaks: a full add -s → plug -s → plan → apply → destroy cycle on a project
// whose hooks log secrets, return them as outputs, issue one and throw an error holding one.
// Every captured output stream and every project file but secrets.gpg is grepped for every
// known value (raw, JSON-escaped, and as a plain SHA-256); the redaction marker must show
// where they were, so the test fails if hooks stop running rather than passing vacuously.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeakProject, PASSPHRASE, SECRETS, type Run } from "./leak-fixture.js";

const MARK = "(sensitive value)";
const CHANGED = "(sensitive value changed)";
const PLUG = "plug.edr1.siem1.events.push";
const STACK_LINE = /^\s+at .+/m;
const values = [...Object.values(SECRETS), PASSPHRASE];
const needles = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), createHash("sha256").update(v).digest("hex")]))];

let p: LeakProject;
const R: Record<string, Run> = {};
let issuedStored: Run;
let listAfterDestroy: Run;

interface StateDoc {
  resources: Array<{ address: string; status: string; outputs: Record<string, unknown>; steps_done: Array<{ outputs: Record<string, unknown> }> }>;
}
interface PlanDoc {
  resource_changes: Array<{ address: string; change: { before: { secrets: Record<string, string> } | null; after: { secrets: Record<string, string> } | null } }>;
}

beforeAll(async () => {
  p = new LeakProject();
  await p.create();
  R.addEdr = await p.ok(["add", "edr", "edr1", "-s", "API_KEY"], `${SECRETS.edrKey}\n`);
  R.addSiem1 = await p.ok(["add", "siem", "siem1", "-s", "API_KEY"], `${SECRETS.siem1Key}\n`);
  R.addSiem2 = await p.ok(["add", "siem", "siem2", "-s", "API_KEY"], `${SECRETS.siem2First}\n`);
  R.configure = await p.ok(["configure", "siem2", "-s", "API_KEY"], `${SECRETS.siem2Key}\n`);
  R.plug = await p.ok(["plug", "events", "edr1", "siem1", "-s", "intake_key"], `${SECRETS.intakeKey}\n`);
  R.validate = await p.ok(["validate"]);
  R.plan = await p.ok(["plan"]);
  R.planJson = await p.ok(["plan", "--json"]);
  R.planOut = await p.ok(["plan", "-o", "plan.bin"]);
  R.apply = await p.run(["apply", "--auto-approve"]);
  R.applyStale = await p.run(["apply", "plan.bin"]);
  R.planOut2 = await p.ok(["plan", "-o", "plan2.bin"]);
  R.applySaved = await p.run(["apply", "plan2.bin", "--debug"]);
  R.stateList = await p.ok(["state", "list"]);
  R.statePull = await p.ok(["state", "pull"]);
  R.stateShow = await p.ok(["state", "show", PLUG]);
  R.listInstances = await p.ok(["list", "instances", "--json"]);
  R.listPlugs = await p.ok(["list", "plugs", "--json"]);
  R.synth = await p.ok(["synth"]);
  R.synthJson = await p.ok(["synth", "--json"]);
  R.graph = await p.ok(["graph", "--format", "html", "-o", "g.html"]);
  R.secretsList = await p.ok(["secrets", "list"]);
  R.stray = await p.run(["produce", "stray", "edr1"], "one event\n");
  // `secrets get` prints the value on purpose: not part of the grep.
  issuedStored = await p.run(["secrets", "get", `plug:${PLUG}`, "issued"], "", false);
  R.rotate = await p.ok(["configure", "edr1", "-s", "API_KEY"], `${SECRETS.edrRotated}\n`);
  R.planRotated = await p.ok(["plan"]);
  R.planRotatedJson = await p.ok(["plan", "--json"]);
  R.destroy = await p.run(["destroy", "--auto-approve", "--debug"]);
  listAfterDestroy = await p.ok(["secrets", "list"]);
}, 600_000);

afterAll(() => p?.dispose());

describe("the cycle ran as intended", () => {
  it("one instance failed with the secret in its error, the others were created, then all destroyed", () => {
    expect(R.apply!.code, R.apply!.stderr).toBe(1);
    expect(R.apply!.stdout).toContain("Resources: 3 added");
    expect(R.applyStale!.code).toBe(1);
    expect(R.applyStale!.stderr).toContain("stale");
    expect(R.applySaved!.code).toBe(1);
    expect(R.destroy!.code, R.destroy!.stderr).toBe(0);
    expect(R.destroy!.stdout).toContain("Resources: 4 destroyed");
  });

  it("the hook-issued secret was stored through plug.setSecret, and deleted by teardown", () => {
    expect(issuedStored).toMatchObject({ code: 0, stdout: SECRETS.issued });
    expect(R.secretsList!.stdout).toContain(`plug:${PLUG}  issued`);
    expect(listAfterDestroy.stdout).not.toContain("issued");
  });
});

describe("the redaction marker stands where a secret was", () => {
  it("in hook logs, console output, the thrown error, and the --debug stack", () => {
    expect(R.apply!.stdout).toContain("instance.edr1: [Register the edr tenant] key is (sensitive value)");
    expect(R.apply!.stdout).toContain(`${PLUG}: [Create the intake] intake key is (sensitive value)`);
    expect(R.apply!.stderr).toContain("failed for instance.siem2: login refused for API key (sensitive value)");
    expect(R.apply!.stderr).not.toMatch(STACK_LINE);
    expect(R.applySaved!.stderr).toContain("login refused for API key (sensitive value)");
    expect(R.applySaved!.stderr).toMatch(STACK_LINE);
    expect(R.apply!.stdout).toContain("console says key is (sensitive value)");
    expect(R.apply!.stderr).toContain("console error with stray (sensitive value)");
    expect(R.stray!.code).toBe(1);
    expect(R.stray!.stderr).toContain("late failure with (sensitive value)");
    expect(R.destroy!.stdout).toContain("removing (sensitive value) / (sensitive value)");
    expect(R.destroy!.stdout).toContain("unregistering (sensitive value) with (sensitive value)");
  });

  it("in the outputs kept in state", () => {
    const state = JSON.parse(R.statePull!.stdout) as StateDoc;
    const byAddr = new Map(state.resources.map((r) => [r.address, r]));
    expect(byAddr.get("instance.edr1")!.outputs).toEqual({ token: MARK, url: "https://edr.example" });
    expect(byAddr.get("instance.siem1")!.outputs).toEqual({ session: `s-${MARK}` });
    expect(byAddr.get(PLUG)!.outputs).toEqual({ token: MARK, issued: MARK });
    expect(byAddr.get(PLUG)!.steps_done[0]!.outputs).toEqual({ token: MARK, issued: MARK });
    expect(byAddr.get("instance.siem2")!.status).toBe("tainted");
  });

  it("in plans: a secret shows as a marker, a changed secret as (sensitive value changed)", () => {
    expect(R.plan!.stdout).toMatch(/\+ secrets\.API_KEY += \(sensitive value\)/);
    expect(R.plan!.stdout).toMatch(/\+ secrets\.intake_key += \(sensitive value\)/);
    expect(R.planRotated!.stdout).toMatch(/~ secrets\.API_KEY = \(sensitive value changed\)$/m);
    expect(R.planRotated!.stdout).not.toContain("Objects have changed outside of meshroom"); // redacted outputs compare equal
    const doc = JSON.parse(R.planRotatedJson!.stdout) as PlanDoc;
    const edr = doc.resource_changes.find((c) => c.address === "instance.edr1")!;
    expect(edr.change.before!.secrets).toEqual({ API_KEY: MARK });
    expect(edr.change.after!.secrets).toEqual({ API_KEY: CHANGED });
    const siem2 = doc.resource_changes.find((c) => c.address === "instance.siem2")!;
    expect(siem2.change.after!.secrets).toEqual({ API_KEY: MARK });
  });
});

describe("no known value leaks", () => {
  it("into any output stream (raw, JSON-escaped or as a plain SHA-256)", () => {
    const hits: string[] = [];
    for (const r of p.runs) {
      for (const n of needles) {
        if (r.stdout.includes(n)) hits.push(`stdout of meshroom ${r.args.join(" ")}: ${n}`);
        if (r.stderr.includes(n)) hits.push(`stderr of meshroom ${r.args.join(" ")}: ${n}`);
      }
    }
    expect(p.runs.length).toBeGreaterThan(25);
    expect(hits).toEqual([]);
  });

  it("into any project file but secrets.gpg (state, backup, saved plans, synth output, graph, hooks…)", () => {
    const files = p.files();
    for (const want of ["meshroom.state.json", "meshroom.state.json.backup", "plan.bin", "plan2.bin", "g.html", "cdktf.out/stacks/mesh/cdk.tf.json"]) {
      expect(files.has(want), want).toBe(true);
    }
    expect(files.has("secrets.gpg")).toBe(false);
    const hits: string[] = [];
    for (const [file, text] of files) for (const n of needles) if (text.includes(n)) hits.push(`${file}: ${n}`);
    expect(hits).toEqual([]);
  });
});
