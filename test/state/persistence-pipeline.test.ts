import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { LocalBackend, MeshState, parseStateText, StatePersister, type EmergencySave, type StateFile, type StateWriter } from "../../src/state/index.js";
import { resource } from "./conformance.js";

async function tempStore() {
  const root = await mkdtemp(join(tmpdir(), "meshroom-pipeline-"));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const store = new LocalBackend(root).store();
  const onDisk = async () => parseStateText(await readFile(join(root, "meshroom.state.json"), "utf8"), "state");
  return { store, onDisk };
}

/** Writes that wait for `release()`; counts them. */
function heldWriter() {
  const stored: StateFile[] = [];
  let release: () => void = () => undefined;
  const writer: StateWriter = {
    async write(state) {
      await new Promise<void>((r) => (release = r));
      const next = { ...state, serial: state.serial + 1 };
      stored.push(next);
      return { state: next, written: true };
    },
  };
  return { writer, stored, release: () => release() };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe("the persistence pipeline (StatePersister)", () => {
  it("group commit: everyone who waits while a write is in flight shares the next one", async () => {
    const w = heldWriter();
    const p = new StatePersister(w.writer, MeshState.empty());
    p.update((s) => s.set(resource("instance.first")));
    await tick(); // the first write is in flight
    const waits: Array<Promise<void>> = [];
    for (let i = 0; i < 100; i++) {
      p.update((s) => s.set(resource(`instance.n${i}`)));
      waits.push(p.flush());
    }
    w.release();
    await tick();
    w.release(); // the one write for all 100 steps
    await Promise.all(waits);
    expect(w.stored).toHaveLength(2);
    expect(w.stored[1]!.resources).toHaveLength(101);
    expect(p.dirty).toBe(false);
  });

  it("a flush ends the pacing gap at once (a waiting step is never paced)", async () => {
    const { store, onDisk } = await tempStore();
    const p = new StatePersister(store, MeshState.empty(), { pacing: { minGapMs: 60_000, costFactor: 3, maxGapMs: 60_000 } });
    p.update((s) => s.set(resource("instance.a")));
    await p.flush();
    p.update((s) => s.set(resource("instance.b"))); // the background save now waits out a 60 s gap
    await tick();
    await p.flush(); // would time the test out if the gap were kept
    expect((await onDisk()).resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
  });

  it("saveWhenStopped saves synchronously inside abort(), reports it, and stops listening once disposed", async () => {
    const { store, onDisk } = await tempStore();
    const p = new StatePersister(store, MeshState.empty());
    const reports: EmergencySave[] = [];
    const stop = new AbortController();
    const dispose = p.saveWhenStopped(stop.signal, (s) => reports.push(s));
    p.update((s) => s.set(resource("instance.a")));
    stop.abort(); // no await: the state must be on disk when abort() returns
    expect(reports).toEqual([{ stored: true }]);
    expect((await onDisk()).resources.map((r) => r.address)).toEqual(["instance.a"]);
    dispose();

    const later = new AbortController();
    p.saveWhenStopped(later.signal, (s) => reports.push(s))();
    later.abort();
    expect(reports).toHaveLength(1);
    await p.flush();
  });

  it("saveNow never throws: a failed last save is in its result", () => {
    const failing: StateWriter = {
      write: () => Promise.reject(new Error("unused")),
      writeSync: () => {
        throw new Error("disk full");
      },
    };
    const p = new StatePersister(failing, MeshState.empty());
    p.update((s) => s.set(resource("instance.a")));
    const saved = p.saveNow();
    expect(saved.stored).toBe(false);
    expect(String(saved.error)).toContain("disk full");
    void p.flush().catch(() => undefined);
  });

  it("stores are plain storage: a second write while one is in flight is refused (E_INTERNAL), the first lands", async () => {
    const { store, onDisk } = await tempStore();
    const first = store.write({ ...MeshState.empty().toFile(), resources: [resource("instance.a")] });
    await expect(store.write(MeshState.empty().toFile())).rejects.toMatchObject({ code: "E_INTERNAL" });
    await first;
    expect((await onDisk()).resources.map((r) => r.address)).toEqual(["instance.a"]);
  });
});
