import { describe, expect, it } from "vitest";
import { apply, type ResourceRuntime, type ResourceStep, type RuntimeResource } from "../../src/apply/index.js";
import { plan, type PriorState } from "../../src/plan/index.js";
import { MeshState, StatePersister, type StateFile, type StateWriter, type StepRecord } from "../../src/state/index.js";
import type { DesiredResource } from "../../src/synth/index.js";

/** Keeps the last written document in memory. */
class MemoryWriter implements StateWriter {
  last: StateFile | undefined;
  writes = 0;
  async write(state: StateFile) {
    this.last = JSON.parse(JSON.stringify({ ...state, serial: state.serial + 1 })) as StateFile;
    this.writes++;
    return { state: this.last, written: true };
  }
}

interface FakeOpts { delayMs?: number; fail?: (stepId: string) => boolean }

/** Two setup steps per resource (src then dst), teardown of completed ones in reverse; records calls. */
class FakeRuntime implements ResourceRuntime {
  calls: string[] = [];
  running = 0;
  maxRunning = 0;
  constructor(private readonly o: FakeOpts = {}) {}
  private step(r: RuntimeResource, side: string, kind: string): ResourceStep {
    const id = `${r.address}/${side}/${kind}/h-${side}`;
    return {
      id, title: `${kind}-${side}`, phase: kind === "setup" ? "setup" : "teardown", side,
      run: async ({ signal }) => {
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        try {
          if (this.o.delayMs) {
            await new Promise<void>((res, rej) => {
              const onAbort = () => { clearTimeout(t); rej(new Error("aborted")); };
              const t = setTimeout(() => { signal.removeEventListener("abort", onAbort); res(); }, this.o.delayMs);
              signal.addEventListener("abort", onAbort, { once: true });
            });
          }
          if (this.o.fail?.(id)) throw new Error(`boom ${id}`);
          this.calls.push(`${kind} ${r.address} ${side}`);
          return { [side]: r.address };
        } finally {
          this.running--;
        }
      },
    };
  }
  setupSteps(r: RuntimeResource) {
    return [this.step(r, "src", "setup"), this.step(r, "dst", "setup")];
  }
  teardownSteps(r: RuntimeResource, completed: readonly StepRecord[]) {
    return completed.map((s) => this.step(r, s.side!, "teardown")).reverse();
  }
  updateSteps() {
    return [];
  }
  canUpdate() {
    return false;
  }
}

function inst(name: string): DesiredResource {
  return { address: `instance.${name}`, type: "meshroom_instance", inputs: { name, product: "p", settings: {} }, secretRefs: [], dependencies: [] };
}
function plug(src: string, dst: string): DesiredResource {
  return { address: `plug.${src}.${dst}.t.push`, type: "meshroom_plug", inputs: { src, dst }, secretRefs: [], dependencies: [`instance.${dst}`, `instance.${src}`].sort() };
}
function ring(n: number): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (let i = 0; i < n; i++) out.push(inst(`n${i}`));
  for (let i = 0; i < n; i++) out.push(plug(`n${i}`, `n${(i + 1) % n}`));
  return out;
}
const prior = (s: MeshState): PriorState => ({ lineage: s.lineage, serial: s.serial, resources: s.resources() });

async function run(desired: DesiredResource[], state: MeshState, runtime: FakeRuntime, opts: { destroy?: boolean; parallelism?: number; signal?: AbortSignal; replaces?: string[] } = {}) {
  const writer = new MemoryWriter();
  const persister = new StatePersister(writer, state);
  const p = plan(desired, prior(state), { ...(opts.destroy ? { destroy: true } : {}), ...(opts.replaces ? { replaces: opts.replaces } : {}) });
  const events: string[] = [];
  const result = await apply(p, {
    persister, runtime,
    ...(opts.parallelism ? { parallelism: opts.parallelism } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onEvent: (e) => { if (e.type !== "step" && e.type !== "state-error") events.push(`${e.type} ${e.phase} ${e.address}`); },
  });
  return { result, events, writer };
}

describe("apply", () => {
  it("creates in dependency order, destroys in reverse, replaces delete-then-create", async () => {
    const state = MeshState.empty();
    const rt = new FakeRuntime();
    const mesh = [inst("a"), inst("b"), plug("a", "b")];
    const { result } = await run(mesh, state, rt, { parallelism: 1 });
    expect(result).toMatchObject({ added: 3, failures: [], skipped: [] });
    expect(rt.calls.indexOf("setup plug.a.b.t.push src")).toBeGreaterThan(rt.calls.indexOf("setup instance.b dst"));
    expect(state.get("plug.a.b.t.push")).toMatchObject({ status: "ready", outputs: { src: "plug.a.b.t.push", dst: "plug.a.b.t.push" } });

    rt.calls = [];
    const rep = await run(mesh, state, rt, { parallelism: 1, replaces: ["instance.a"] });
    expect(rep.result).toMatchObject({ added: 2, destroyed: 2 });
    expect(rt.calls).toEqual([
      "teardown plug.a.b.t.push dst", "teardown plug.a.b.t.push src",
      "teardown instance.a dst", "teardown instance.a src",
      "setup instance.a src", "setup instance.a dst",
      "setup plug.a.b.t.push src", "setup plug.a.b.t.push dst",
    ]);

    rt.calls = [];
    const d = await run(mesh, state, rt, { destroy: true, parallelism: 4 });
    expect(d.result.destroyed).toBe(3);
    const plugDone = rt.calls.lastIndexOf("teardown plug.a.b.t.push src");
    expect(rt.calls.indexOf("teardown instance.a dst")).toBeGreaterThan(plugDone);
    expect(rt.calls.indexOf("teardown instance.b dst")).toBeGreaterThan(plugDone);
    expect(state.size).toBe(0);
  });

  it("never runs more than --parallelism resources at once", async () => {
    const rt = new FakeRuntime({ delayMs: 5 });
    const { result } = await run(ring(30), MeshState.empty(), rt, { parallelism: 3 });
    expect(result.added).toBe(60);
    expect(rt.maxRunning).toBe(3);
  });

  it("a failure taints the resource with its completed steps and skips its dependents once", async () => {
    const state = MeshState.empty();
    const rt = new FakeRuntime({ fail: (id) => id === "instance.n1/dst/setup/h-dst" });
    const { result, events } = await run(ring(4), state, rt, { parallelism: 2 });
    expect(result.failures.map((f) => f.address)).toEqual(["instance.n1"]);
    expect(result.skipped.map((s) => [s.address, s.because]).sort()).toEqual([
      ["plug.n0.n1.t.push", "instance.n1"], ["plug.n1.n2.t.push", "instance.n1"],
    ]);
    expect(events.filter((e) => e.startsWith("fail"))).toEqual(["fail create instance.n1"]);
    expect(result.added).toBe(3 + 2);
    const n1 = state.get("instance.n1")!;
    expect(n1.status).toBe("tainted");
    expect(n1.steps_done.map((s) => s.id)).toEqual(["instance.n1/src/setup/h-src"]);
    expect(n1.pending_step).toBeUndefined();
  });

  it("an interrupted apply leaves pending markers; the next one resumes without repeating completed steps", async () => {
    const state = MeshState.empty();
    const rt = new FakeRuntime({ delayMs: 20 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 70);
    const first = await run(ring(10), state, rt, { parallelism: 4, signal: ctl.signal });
    expect(first.result.interrupted.length).toBeGreaterThan(0);
    const saved = first.writer.last!;
    expect(saved.resources.some((r) => r.status === "pending" && r.pending_step)).toBe(true);
    const done = new Set(saved.resources.flatMap((r) => r.steps_done.map((s) => `setup ${r.address} ${s.side}`)));
    expect(done.size).toBeGreaterThan(0);

    const resumed = MeshState.fromFile(saved);
    const rt2 = new FakeRuntime();
    const second = await run(ring(10), resumed, rt2);
    expect(second.result.failures).toEqual([]);
    expect(rt2.calls.filter((c) => done.has(c))).toEqual([]);
    expect(resumed.resources().every((r) => r.status === "ready" && r.steps_done.length === 2)).toBe(true);
    expect(new Set([...rt.calls, ...rt2.calls]).size).toBe(40);
  });

  it("coalesces state writes: far fewer writes than updates", async () => {
    const { writer, result } = await run(ring(200), MeshState.empty(), new FakeRuntime());
    expect(result.added).toBe(400);
    expect(writer.writes).toBeLessThan(400);
    expect(writer.last!.resources).toHaveLength(400);
  });
});
