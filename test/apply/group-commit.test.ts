// Group commit: a completed step is stored before its resource goes on or finishes, and before
// any resource depending on it starts; steps finishing together share one write.
import { describe, expect, it } from "vitest";
import { apply, type ResourceRuntime, type ResourceStep, type RuntimeResource } from "../../src/apply/index.js";
import { plan } from "../../src/plan/index.js";
import { MeshState, StatePersister, type StateFile, type StateWriter } from "../../src/state/index.js";
import type { DesiredResource } from "../../src/synth/index.js";

/** Stores a deep copy after a delay (a slow disk); counts writes. */
class SlowWriter implements StateWriter {
  stored: StateFile | undefined;
  writes = 0;
  async write(state: StateFile) {
    const copy = JSON.parse(JSON.stringify({ ...state, serial: state.serial + 1 })) as StateFile;
    await new Promise((r) => setTimeout(r, 15));
    this.stored = copy;
    this.writes++;
    return { state: copy, written: true };
  }
  storedSteps(): Set<string> {
    return new Set((this.stored?.resources ?? []).flatMap((r) => r.steps_done.map((s) => s.id)));
  }
}

/** Two steps per resource; at each step's start, records which completed steps of that resource or of what it depends on were not stored yet. */
class CheckingRuntime implements ResourceRuntime {
  completed: string[] = [];
  unstoredAtStart: string[] = [];
  constructor(private readonly writer: SlowWriter) {}
  setupSteps(r: RuntimeResource): ResourceStep[] {
    return ["a", "b"].map((side) => {
      const id = `${r.address}/${side}/setup/h`;
      return {
        id, title: `setup-${side}`, phase: "setup" as const, side,
        run: async () => {
          const stored = this.writer.storedSteps();
          const inputs = r.inputs as { src?: string; dst?: string };
          const mineOrUpstream = [`${r.address}/`, ...(inputs.src ? [`instance.${inputs.src}/`, `instance.${inputs.dst}/`] : [])];
          this.unstoredAtStart.push(...this.completed.filter((c) => mineOrUpstream.some((p) => c.startsWith(p)) && !stored.has(c)));
          await new Promise((res) => setTimeout(res, 1));
          this.completed.push(id);
          return {};
        },
      };
    });
  }
  teardownSteps() { return []; }
  updateSteps() { return []; }
  canUpdate() { return false; }
}

function inst(name: string): DesiredResource {
  return { address: `instance.${name}`, type: "meshroom_instance", inputs: { name, product: "p", settings: {} }, secretRefs: [], dependencies: [] };
}
function plug(src: string, dst: string): DesiredResource {
  return { address: `plug.${src}.${dst}.t.push`, type: "meshroom_plug", inputs: { src, dst }, secretRefs: [], dependencies: [`instance.${dst}`, `instance.${src}`].sort() };
}

describe("group commit", () => {
  it("no step starts before every step completed earlier in its chain is stored; steps finishing together share a write", async () => {
    const state = MeshState.empty();
    const writer = new SlowWriter();
    const rt = new CheckingRuntime(writer);
    const n = 20;
    const desired: DesiredResource[] = [];
    for (let i = 0; i < n; i++) desired.push(inst(`n${i}`));
    for (let i = 0; i < n; i++) desired.push(plug(`n${i}`, `n${(i + 1) % n}`));
    const p = plan(desired, { lineage: state.lineage, serial: state.serial, resources: state.resources() }, {});
    const events: string[] = [];
    const result = await apply(p, {
      persister: new StatePersister(writer, state), runtime: rt, parallelism: 4,
      onEvent: (e) => {
        if (e.type === "finish") {
          // reported only once its steps are stored
          const stored = writer.storedSteps();
          const mine = rt.completed.filter((c) => c.startsWith(`${e.address}/`));
          events.push(...mine.filter((c) => !stored.has(c)));
        }
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.added).toBe(2 * n);
    expect(events, "finished resources whose steps were not stored yet").toEqual([]);
    expect(rt.unstoredAtStart, "steps started while an earlier step of their resource or of what it depends on was not stored").toEqual([]);
    expect(writer.writes, "writes shared by steps finishing together").toBeLessThan(rt.completed.length);
  });
});
