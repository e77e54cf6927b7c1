import { describe, expect, it } from "vitest";
import { Dag, walkDag } from "../../src/graph/index.js";

/** A promise and its resolve function. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

function independent(n: number): Dag<string> {
  const g = new Dag<string>();
  for (let i = 0; i < n; i++) g.addNode(`n${i}`);
  return g;
}

describe("walkDag places", () => {
  it("a visit that leaves its place lets the next node start; nodes without a free place are not visited yet", async () => {
    const started: string[] = [];
    const shared = gate();
    const walk = walkDag(independent(5), async (k, _signal, place) => {
      started.push(k);
      place.leave();
      await shared.promise; // e.g. a write many visits wait for
    }, { parallelism: 1 });
    await settle();
    expect(started).toEqual(["n0", "n1", "n2", "n3", "n4"]); // each left its place, so the next could start
    shared.open();
    const res = await walk;
    expect([...res.values()].every((r) => r.status === "done")).toBe(true);
  });

  it("never runs more than `parallelism` visits holding a place, and starts no node while none is free", async () => {
    const started: string[] = [];
    const hold = gate();
    const walk = walkDag(independent(50), async (k) => {
      started.push(k);
      await hold.promise;
    }, { parallelism: 3 });
    await settle();
    expect(started).toEqual(["n0", "n1", "n2"]);
    hold.open();
    await walk;
    expect(started).toHaveLength(50);
  });

  it("a visit taking its place back goes ahead of nodes not started yet", async () => {
    const order: string[] = [];
    const disk = gate();
    const b = gate();
    const walk = walkDag(independent(3), async (k, _signal, place) => {
      order.push(`start ${k}`);
      if (k === "n0") {
        place.leave();
        await disk.promise;
        await place.take();
        order.push("n0 back");
      } else if (k === "n1") {
        await b.promise;
      }
      order.push(`end ${k}`);
    }, { parallelism: 1 });
    await settle();
    disk.open(); // n0 wants its place back while n1 holds the only one
    await settle();
    b.open();
    await walk;
    expect(order).toEqual(["start n0", "start n1", "end n1", "n0 back", "end n0", "start n2", "end n2"]);
  });

  it("aborting rejects a visit waiting to take its place back (E_ABORTED); the node ends cancelled", async () => {
    const ctl = new AbortController();
    const disk = gate();
    const walk = walkDag(independent(2), async (k, signal, place) => {
      if (k === "n0") {
        place.leave();
        await disk.promise;
        await place.take();
        return;
      }
      await new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    }, { parallelism: 1, signal: ctl.signal });
    await settle();
    disk.open();
    await settle(); // n0 now waits for the place n1 holds
    ctl.abort(new Error("stop"));
    const res = await walk;
    expect(res.get("n0")).toMatchObject({ status: "cancelled", error: expect.objectContaining({ code: "E_ABORTED" }) });
    expect(res.get("n1")?.status).toBe("cancelled");
  });
});

describe("walkDag places at scale", () => {
  it("20,000 visits that leave their place at once start one after the other without deepening the stack", async () => {
    const shared = gate();
    let started = 0;
    const walk = walkDag(independent(20_000), async (_k, _signal, place) => {
      started++;
      place.leave();
      await shared.promise;
    }, { parallelism: 2 });
    await settle();
    expect(started).toBe(20_000);
    shared.open();
    const res = await walk;
    expect([...res.values()].filter((r) => r.status === "done")).toHaveLength(20_000);
  });
});
