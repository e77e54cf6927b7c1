import { describe, expect, it } from "vitest";
import { Dag, walkDag } from "../../src/graph/index.js";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

/** a <- b <- c (c depends on b depends on a), d independent, e depends on a */
function chain(): Dag<string> {
  return new Dag<string>().addEdge("b", "a").addEdge("c", "b").addNode("d").addEdge("e", "a");
}

describe("walkDag", () => {
  it("starts a node only after all its dependencies finished", async () => {
    const g = chain().addEdge("c", "d");
    const finished = new Set<string>();
    const violations: string[] = [];
    const res = await walkDag(g, async (k) => {
      for (const d of g.dependenciesOf(k)) if (!finished.has(d)) violations.push(`${k} before ${d}`);
      await tick();
      finished.add(k);
    });
    expect(violations).toEqual([]);
    expect([...res.keys()]).toEqual(g.nodes());
    expect([...res.values()].every((r) => r.status === "done")).toBe(true);
  });

  it("reverse walks dependents before their dependencies", async () => {
    const g = chain();
    const order: string[] = [];
    await walkDag(g, async (k) => {
      await tick();
      order.push(k);
    }, { reverse: true });
    expect(order.indexOf("c")).toBeLessThan(order.indexOf("b"));
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("a"));
    expect(order.indexOf("e")).toBeLessThan(order.indexOf("a"));
    expect(order).toHaveLength(5);
  });

  it("lets every running visit listen to the walk's signal without a leak warning (parallelism 30)", async () => {
    const g = new Dag<string>();
    for (let i = 0; i < 60; i++) g.addNode(`n${i}`);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      await walkDag(g, async (_k, signal) => {
        // what a hook runner and a child process each do while they run
        const a = () => {};
        const b = () => {};
        signal.addEventListener("abort", a);
        signal.addEventListener("abort", b);
        await tick();
        signal.removeEventListener("abort", a);
        signal.removeEventListener("abort", b);
      }, { parallelism: 30 });
      await tick(); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("never runs more than `parallelism` visits at once, and does use that many", async () => {
    const g = new Dag<string>();
    for (let i = 0; i < 50; i++) g.addNode(`n${i}`);
    let now = 0;
    let peak = 0;
    await walkDag(g, async () => {
      peak = Math.max(peak, ++now);
      await tick();
      now--;
    }, { parallelism: 4 });
    expect(peak).toBe(4);
  });

  it("a failure skips transitive dependents naming the root cause; independents continue", async () => {
    const g = chain();
    const visited: string[] = [];
    const res = await walkDag(g, async (k) => {
      visited.push(k);
      if (k === "a") throw new Error("boom");
    });
    expect(res.get("a")).toMatchObject({ status: "failed" });
    expect((res.get("a")!.error as Error).message).toBe("boom");
    expect(res.get("b")).toEqual({ status: "skipped", skippedBecause: "a" });
    expect(res.get("c")).toEqual({ status: "skipped", skippedBecause: "a" });
    expect(res.get("e")).toEqual({ status: "skipped", skippedBecause: "a" });
    expect(res.get("d")).toEqual({ status: "done" });
    expect(visited.sort()).toEqual(["a", "d"]);
  });

  it("a synchronous throw in a visit fails that node", async () => {
    const g = new Dag<string>().addEdge("b", "a");
    const res = await walkDag(g, (k) => {
      if (k === "a") throw new Error("sync");
      return Promise.resolve();
    });
    expect(res.get("a")!.status).toBe("failed");
    expect(res.get("b")).toEqual({ status: "skipped", skippedBecause: "a" });
  });

  it("a node waiting on a running node and a failed one is skipped and never started", async () => {
    const g = new Dag<string>().addEdge("c", "a").addEdge("c", "b");
    const visited: string[] = [];
    const res = await walkDag(g, async (k) => {
      visited.push(k);
      if (k === "a") throw new Error("a failed");
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(res.get("b")!.status).toBe("done");
    expect(res.get("c")).toEqual({ status: "skipped", skippedBecause: "a" });
    expect(visited).not.toContain("c");
  });

  it("on abort: running visits see the signal, nothing new starts, the rest is cancelled", async () => {
    const g = new Dag<string>().addNode("slow").addNode("quick").addEdge("after", "quick").addNode("queued");
    const ac = new AbortController();
    const started: string[] = [];
    let sawAbort = false;
    const res = await walkDag(g, async (k, signal) => {
      started.push(k);
      if (k === "quick") {
        ac.abort();
        return;
      }
      if (k === "slow") {
        await new Promise<void>((_, reject) => signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(new Error("interrupted"));
        }));
      }
    }, { parallelism: 2, signal: ac.signal });
    expect(sawAbort).toBe(true);
    expect(started).toEqual(["slow", "quick"]);
    expect(res.get("quick")).toEqual({ status: "done" });
    expect(res.get("slow")!.status).toBe("cancelled");
    expect((res.get("slow")!.error as Error).message).toBe("interrupted");
    expect(res.get("after")).toEqual({ status: "cancelled" });
    expect(res.get("queued")).toEqual({ status: "cancelled" });
  });

  it("an already aborted signal visits nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    let calls = 0;
    const res = await walkDag(chain(), async () => void calls++, { signal: ac.signal });
    expect(calls).toBe(0);
    expect([...res.values()].every((r) => r.status === "cancelled" && r.error === undefined)).toBe(true);
  });

  it("reports each node once through onSettled and handles an empty graph", async () => {
    const seen: string[] = [];
    await walkDag(chain(), async (k) => {
      if (k === "b") throw new Error("x");
    }, { onSettled: (k) => seen.push(k) });
    expect(seen.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect((await walkDag(new Dag<string>(), async () => {})).size).toBe(0);
  });

  it("refuses a cyclic graph and a bad parallelism", () => {
    const g = new Dag<string>().addEdge("a", "b").addEdge("b", "a");
    expect(() => walkDag(g, async () => {})).toThrow(/a -> b -> a|b -> a -> b/);
    expect(() => walkDag(chain(), async () => {}, { parallelism: 0 })).toThrow(/positive integer/);
  });

  it("walks 20k nodes / 40k edges with no-op visits in linear time", async () => {
    const n = 20_000;
    const g = new Dag<string>();
    for (let i = 0; i < n; i++) g.addNode(`n${i}`);
    for (let i = 1; i < n; i++) {
      g.addEdge(`n${i}`, `n${i - 1}`);
      g.addEdge(`n${i}`, `n${((i * 2654435761) >>> 0) % i}`);
    }
    expect(g.edgeCount).toBeGreaterThan(38_000);
    const t0 = performance.now();
    const res = await walkDag(g, () => Promise.resolve(), { parallelism: 10 });
    const ms = performance.now() - t0;
    const rev = await walkDag(g, () => Promise.resolve(), { parallelism: 10, reverse: true });
    console.log(`walkDag: ${n} nodes, ${g.edgeCount} edges in ${ms.toFixed(0)} ms`);
    expect(res.size).toBe(n);
    expect(rev.size).toBe(n);
    // A quadratic walk would take minutes; this bound only guards against that.
    expect(ms).toBeLessThan(3000);
  });
});
