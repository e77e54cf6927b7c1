import { afterEach, describe, expect, it } from "vitest";
import { applyOperation } from "../../src/engine/deploy/apply-operation.js";
import { loadProjectSetup } from "../../src/engine/deploy/project-setup.js";
import { LocalBackend } from "../../src/state/index.js";
import { EDR_DEF, MeshProject, SIEM_DEF, TIP_DEF, basicMesh, hookFile } from "./fixtures.js";

const projects: MeshProject[] = [];
function track(m: MeshProject): MeshProject {
  projects.push(m);
  return m;
}
afterEach(() => {
  delete process.env.MESHROOM_TEST_SLEEP_MS;
  for (const p of projects.splice(0)) p.cleanup();
});

describe("setup order of a plug", () => {
  it("push: consumer side first, then producer side; instances before plugs", async () => {
    const m = track(basicMesh("push"));
    const r = await m.cli("up");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(m.calls()).toEqual(["edr-instance-setup edr1", "siem-consumer-setup edr1->siem1 push", "edr-producer-setup edr1->siem1 push"]);
    expect(r.stdout).toContain("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    const plug = m.state().resources.find((x) => x.address === "plug.edr1.siem1.events.push")!;
    expect(plug.status).toBe("ready");
    expect(plug.steps_done.map((s) => s.side)).toEqual(["dst", "src"]);
    expect(plug.outputs).toEqual({ siem_key: "k-edr1-siem1", edr_key: "k-edr1-siem1" });
  });

  it("pull: producer side first, then consumer side; destroy tears down in reverse with the outputs", async () => {
    const m = track(basicMesh("pull"));
    expect((await m.cli("up")).code).toBe(0);
    expect(m.calls()).toEqual(["edr-instance-setup edr1", "edr-producer-setup edr1->siem1 pull", "siem-consumer-setup edr1->siem1 pull"]);
    m.clearCalls();
    const d = await m.cli("destroy", "--auto-approve");
    expect(d.code).toBe(0);
    expect(m.calls()).toEqual([
      "siem-consumer-teardown edr1->siem1 pull k-edr1-siem1",
      "edr-producer-teardown edr1->siem1 pull k-edr1-siem1",
      "edr-instance-teardown edr1 i-edr1",
    ]);
    expect(d.stdout).toContain("Destroy complete! Resources: 3 destroyed.");
    expect(m.state().resources).toEqual([]);
  });

  it("owns-both: only the owning side's setup runs", async () => {
    const m = track(new MeshProject());
    m.product("tip", TIP_DEF, hookFile("tip", { role: "Producer", topic: "threats", ownsBoth: true }));
    m.product("siem", SIEM_DEF, hookFile("siem", { role: "Consumer", topic: "threats" }));
    m.instance("tip", "tip1").instance("siem", "siem1");
    m.plug({ srcProduct: "tip", src: "tip1", dstProduct: "siem", dst: "siem1", topic: "threats", owner: "tip1" });
    expect((await m.cli("up")).code).toBe(0);
    expect(m.calls()).toEqual(["tip-producer-setup tip1->siem1 push"]);
  });
});

describe("apply", () => {
  it("up is idempotent: the second run runs no hook", async () => {
    const m = track(basicMesh());
    expect((await m.cli("up")).code).toBe(0);
    const serial = m.state().serial;
    m.clearCalls();
    const again = await m.cli("up");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
    expect(m.calls()).toEqual([]);
    expect(m.state().serial).toBe(serial);
  });

  it("a failed hook taints the plug; the next apply tears down only the completed steps, then sets it up again", async () => {
    const m = track(basicMesh("push"));
    m.failOnce("edr-producer-setup");
    const first = await m.cli("apply", "--auto-approve");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("plug.edr1.siem1.events.push");
    expect(first.stderr).toContain("edr-producer-setup");
    expect(first.stderr).toContain("planned failure of edr-producer-setup");
    const plug = m.state().resources.find((x) => x.address === "plug.edr1.siem1.events.push")!;
    expect(plug.status).toBe("tainted");
    expect(plug.steps_done.map((s) => s.side)).toEqual(["dst"]);
    expect(plug.pending_step).toBeUndefined();

    m.clearCalls();
    const plan = await m.cli("plan");
    expect(plan.stdout).toContain("-/+ plug.edr1.siem1.events.push");
    expect(plan.stdout).toContain("tainted");
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 1 to destroy.");
    const second = await m.cli("apply", "--auto-approve");
    expect(second.code).toBe(0);
    expect(m.calls()).toEqual([
      "siem-consumer-teardown edr1->siem1 push k-edr1-siem1",
      "siem-consumer-setup edr1->siem1 push",
      "edr-producer-setup edr1->siem1 push",
    ]);
    expect(m.state().resources.every((r) => r.status === "ready")).toBe(true);
  });

  it("a failure skips dependents once and lets independent resources finish", async () => {
    const m = track(basicMesh("push"));
    m.instance("edr", "edr2");
    m.plug({ srcProduct: "edr", src: "edr2", dstProduct: "siem", dst: "siem1", topic: "events" });
    m.failOnce("edr-instance-setup");
    const r = await m.cli("apply", "--auto-approve", "--parallelism", "1");
    expect(r.code).toBe(1);
    const failed = r.stderr.split("\n").filter((l) => l.startsWith("Error:"));
    expect(failed).toHaveLength(1);
    expect(r.stderr).toMatch(/Skipped 1 resource because instance\.edr\d failed: plug\.edr\d\.siem1\.events\.push/);
    const ready = m.state().resources.filter((x) => x.status === "ready").map((x) => x.address);
    expect(ready).toHaveLength(3); // the other instance, siem1 and the other plug
  });

  it("an input change with an update hook updates in place; without one it replaces", async () => {
    const m = track(basicMesh("push", { update: true }));
    // the SIEM's side takes an index: declared by its explicit integration, as `meshroom plug -c dst.index=soc` needs
    m.integration("siem", "edr", "events", "consumer", [{ name: "index" }]);
    m.plug({ srcProduct: "edr", src: "edr1", dstProduct: "siem", dst: "siem1", topic: "events", explicit: { dst: true } });
    expect((await m.cli("up")).code).toBe(0);
    m.plug({ srcProduct: "edr", src: "edr1", dstProduct: "siem", dst: "siem1", topic: "events", settings: { dst: { index: "soc" } }, explicit: { dst: true } });
    m.clearCalls();
    const plan = await m.cli("plan");
    expect(plan.stdout).toContain("~ plug.edr1.siem1.events.push");
    expect(plan.stdout).toContain('settings.dst.index = "soc"');
    expect((await m.cli("apply", "--auto-approve")).code).toBe(0);
    expect(m.calls()).toEqual(["siem-consumer-update edr1->siem1 settings.dst.index", "edr-producer-update edr1->siem1 settings.dst.index"]);

    m.instance("siem", "siem1", { port: 9000 });
    const p2 = await m.cli("plan", "--json");
    const doc = JSON.parse(p2.stdout) as { resource_changes: Array<{ address: string; change: { actions: string[] }; action_reason?: string }> };
    const byAddr = Object.fromEntries(doc.resource_changes.map((c) => [c.address, c]));
    expect(byAddr["instance.siem1"]!.change.actions).toEqual(["delete", "create"]);
    expect(byAddr["plug.edr1.siem1.events.push"]!.action_reason).toBe("replace_because_instance_replaced");
  });

  it("removing a plug from the mesh tears it down", async () => {
    const m = track(basicMesh());
    expect((await m.cli("up")).code).toBe(0);
    m.removePlug("edr", "edr1", "siem1", "events");
    m.clearCalls();
    const r = await m.cli("apply", "--auto-approve");
    expect(r.stdout).toContain("no longer in the mesh");
    expect(m.calls()).toEqual(["edr-producer-teardown edr1->siem1 push k-edr1-siem1", "siem-consumer-teardown edr1->siem1 push k-edr1-siem1"]);
  });
});

describe("plan", () => {
  it("--detailed-exitcode is 2 with changes and 0 without", async () => {
    const m = track(basicMesh());
    expect((await m.cli("plan", "--detailed-exitcode")).code).toBe(2);
    expect((await m.cli("plan")).code).toBe(0);
    await m.cli("up");
    const r = await m.cli("plan", "--detailed-exitcode");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes.");
  });

  it("--json parses and lists actions, shaped like terraform show -json", async () => {
    const m = track(basicMesh());
    const r = await m.cli("plan", "--json");
    const doc = JSON.parse(r.stdout) as { format_version: string; resource_changes: Array<{ address: string; type: string; change: { actions: string[]; before: unknown; after: Record<string, unknown>; after_sensitive: unknown } }> };
    expect(doc.format_version).toBeTypeOf("string");
    expect(doc.resource_changes.map((c) => [c.address, c.type, c.change.actions])).toEqual([
      ["instance.edr1", "meshroom_instance", ["create"]],
      ["instance.siem1", "meshroom_instance", ["create"]],
      ["plug.edr1.siem1.events.push", "meshroom_plug", ["create"]],
    ]);
    expect(doc.resource_changes[1]!.change.before).toBeNull();
    expect(doc.resource_changes[1]!.change.after.settings).toEqual({ port: 8514 });
  });

  it("human output shows symbols, fields and the summary line; --target keeps dependencies", async () => {
    const m = track(basicMesh());
    const r = await m.cli("plan", "--target", "instance.siem1");
    expect(r.stdout).toContain("+ instance.siem1");
    expect(r.stdout).not.toContain("instance.edr1");
    expect(r.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    const t = await m.cli("plan", "--target", "plug.edr1.siem1.events.push");
    expect(t.stdout).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
    const x = await m.cli("plan", "--exclude", "instance.edr1");
    expect(x.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
  });

  it("a saved plan applies as-is, and a stale one is refused", async () => {
    const m = track(basicMesh());
    const file = `${m.root}/tfplan.json`;
    expect((await m.cli("plan", "-o", file)).code).toBe(0);
    expect((await m.cli("up", "siem1")).code).toBe(0); // the state moves
    const stale = await m.cli("apply", file);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("is stale");
    const fresh = `${m.root}/fresh.json`;
    expect((await m.cli("plan", "-o", fresh)).code).toBe(0);
    m.clearCalls();
    const ok = await m.cli("apply", fresh);
    expect(ok.code).toBe(0);
    expect(m.calls()).toContain("edr-producer-setup edr1->siem1 push");
    expect((await m.cli("apply", fresh)).stderr).toContain("is stale");
  });
});

describe("locking and confirmation", () => {
  it("a second apply while one holds the lock fails naming the holder", async () => {
    const m = track(basicMesh());
    process.env.MESHROOM_TEST_DIR = m.root;
    process.env.MESHROOM_TEST_SLEEP_MS = "300";
    const setup = await loadProjectSetup(m.root);
    const running = applyOperation(setup, {});
    await new Promise((r) => setTimeout(r, 100));
    const second = await m.cli("apply", "--auto-approve");
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/The state is locked by .+ \(operation "apply"/);
    expect(second.stderr).toContain("meshroom force-unlock");
    const out = await running;
    expect(out.result?.failures).toEqual([]);
  });

  it("force-unlock removes a lock by its ID; state tools list, show and rm", async () => {
    const m = track(basicMesh());
    await m.cli("up");
    const lock = await new LocalBackend(m.root).store().lock({ operation: "apply", who: "alice@ci" });
    const blocked = await m.cli("plan");
    expect(blocked.stderr).toContain("alice@ci");
    expect((await m.cli("force-unlock", lock.id)).code).toBe(0);
    expect((await m.cli("plan")).code).toBe(0);
    const list = await m.cli("state", "list");
    expect(list.stdout.trim().split("\n")).toEqual(["instance.edr1", "instance.siem1", "plug.edr1.siem1.events.push"]);
    const show = JSON.parse((await m.cli("state", "show", "instance.siem1")).stdout) as { inputs: unknown };
    expect(show.inputs).toEqual({ name: "siem1", product: "siem", settings: { port: 8514 } });
    expect(JSON.parse((await m.cli("state", "pull")).stdout).resources).toHaveLength(3);
    expect((await m.cli("state", "rm", "plug.edr1.siem1.events.push")).code).toBe(0);
    expect((await m.cli("state", "list")).stdout).not.toContain("plug.");
    expect((await m.cli("state", "show", "plug.nope")).code).toBe(1);
  });

  it("apply without a terminal and without --auto-approve is refused, never hangs", async () => {
    const m = track(basicMesh());
    const r = await m.cli("apply");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--auto-approve");
    expect(m.calls()).toEqual([]);
  });
});

void EDR_DEF;
