import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { LocalBackend, MeshState, parseStateText, StatePersister, type StateFile, type StateWriter, type WriteOutcome } from "../../src/state/index.js";
import { resource } from "./conformance.js";

/** A writer that takes `delayMs` per write and remembers what it stored. */
function slowWriter(delayMs: number, failFirst = 0) {
  const stored: StateFile[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failures = failFirst;
  const writer: StateWriter = {
    async write(state): Promise<WriteOutcome> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      if (failures > 0) {
        failures--;
        throw new Error("disk full");
      }
      const next = { ...state, serial: state.serial + 1 };
      stored.push(next);
      return { state: next, written: true };
    },
  };
  return { writer, stored, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe("StatePersister", () => {
  it("coalesces updates: one write in flight, the latest snapshot wins", async () => {
    const w = slowWriter(5);
    const p = new StatePersister(w.writer, MeshState.empty());
    for (let i = 0; i < 2000; i++) {
      p.update((s) => s.set(resource(`instance.n${i}`)));
      if (i % 10 === 0) await tick();
    }
    await p.flush();
    expect(w.maxInFlight()).toBe(1);
    expect(w.stored.length).toBeLessThan(200);
    expect(w.stored.at(-1)!.resources).toHaveLength(2000);
    expect(p.state.serial).toBe(w.stored.length);
    expect(p.dirty).toBe(false);
    expect(p.stats).toEqual({ updates: 2000, writes: w.stored.length });
  });

  it("a burst of synchronous updates is one write", async () => {
    const w = slowWriter(1);
    const p = new StatePersister(w.writer, MeshState.empty());
    for (let i = 0; i < 100; i++) p.update((s) => s.set(resource(`instance.n${i}`)));
    await p.flush();
    expect(w.stored).toHaveLength(1);
  });

  it("flush waits for updates made during a write in flight", async () => {
    const w = slowWriter(20);
    const p = new StatePersister(w.writer, MeshState.empty());
    p.update((s) => s.set(resource("instance.a")));
    await new Promise((r) => setTimeout(r, 5)); // the first write is now in flight
    p.update((s) => s.set(resource("instance.b")));
    await p.flush();
    expect(w.stored.at(-1)!.resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
  });

  it("reports a failed write from flush, and a later flush retries", async () => {
    const w = slowWriter(1, 1);
    const errors: unknown[] = [];
    const p = new StatePersister(w.writer, MeshState.empty(), { onWriteError: (e) => errors.push(e) });
    p.update((s) => s.set(resource("instance.a")));
    await expect(p.flush()).rejects.toThrow("disk full");
    expect(errors).toHaveLength(1);
    expect(p.dirty).toBe(true);
    await p.flush();
    expect(p.dirty).toBe(false);
    expect(w.stored).toHaveLength(1);
  });

  it("persists 10,000 resources one by one to the local backend without quadratic I/O", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshroom-persist-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const store = new LocalBackend(root).store();
    const p = new StatePersister(store, MeshState.empty());
    const n = 10_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      p.update((s) => s.set({ ...resource(`plug.i${i}.i${i + 1}.alerts.push`), inputs: { format: "ecs", i } }));
      await tick(); // like apply: one resource finishes per turn of the event loop
    }
    await p.flush();
    const ms = performance.now() - t0;
    console.log(`persister: ${n} updates, ${p.stats.writes} writes, ${ms.toFixed(0)} ms`);
    // Writing after every update would be 10,000 writes of a growing file (O(n²) bytes).
    expect(p.stats.writes).toBeLessThan(n / 20);
    const onDisk = parseStateText(await readFile(join(root, "meshroom.state.json"), "utf8"), "state");
    expect(onDisk.resources).toHaveLength(n);
    expect(onDisk.serial).toBe(p.stats.writes);
    await rm(root, { recursive: true, force: true });
  });

  it("flushSync saves at once and wins over a write still in flight", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshroom-persist-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const store = new LocalBackend(root).store();
    const p = new StatePersister(store, MeshState.empty());
    for (let i = 0; i < 3000; i++) p.update((s) => s.set(resource(`instance.n${i}`)));
    await tick(); // a background write of 3000 resources has started
    p.update((s) => s.set(resource("instance.last")));
    expect(p.flushSync()).toBe(true);
    expect(p.dirty).toBe(false);
    await p.flush();
    await new Promise((r) => setTimeout(r, 50));
    const onDisk = parseStateText(await readFile(join(root, "meshroom.state.json"), "utf8"), "state");
    expect(onDisk.resources.some((r) => r.address === "instance.last")).toBe(true);
    expect(new StatePersister({ write: store.write.bind(store) }, MeshState.empty()).flushSync()).toBe(false);
    await rm(root, { recursive: true, force: true });
  });

  it("saveAsideSync hands the latest unsaved state to a backend that cannot store synchronously", async () => {
    const w = slowWriter(1_000);
    const aside: StateFile[] = [];
    const writer: StateWriter = { write: w.writer.write, saveAsideSync: (state) => (aside.push(state), "/tmp/errored.json") };
    const p = new StatePersister(writer, MeshState.empty());
    expect(p.saveAsideSync()).toBeUndefined(); // nothing unsaved
    p.update((s) => s.set(resource("instance.a")));
    await tick(); // a write has started and will not land before the exit
    p.update((s) => s.set(resource("instance.b")));
    expect(p.flushSync()).toBe(false);
    expect(p.saveAsideSync()).toBe("/tmp/errored.json");
    expect(aside[0]?.resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
    expect(new StatePersister(w.writer, MeshState.empty()).saveAsideSync()).toBeUndefined();
  });
});
