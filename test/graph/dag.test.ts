import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dag } from "../../src/graph/index.js";
import { isMeshroomError } from "../../src/errors/index.js";

function mesh(): Dag<string> {
  // two instances and a plug between them, plus an unrelated instance
  return new Dag<string>()
    .addEdge("plug.a.b.t.push", "instance.a")
    .addEdge("plug.a.b.t.push", "instance.b")
    .addNode("instance.c");
}

describe("Dag", () => {
  it("records edges as 'from depends on to' in both directions", () => {
    const g = mesh();
    expect([...g.dependenciesOf("plug.a.b.t.push")].sort()).toEqual(["instance.a", "instance.b"]);
    expect([...g.dependentsOf("instance.a")]).toEqual(["plug.a.b.t.push"]);
    expect(g.dependenciesOf("instance.a").size).toBe(0);
    expect(g.size).toBe(4);
    expect(g.edgeCount).toBe(2);
    g.addEdge("plug.a.b.t.push", "instance.a");
    expect(g.edgeCount).toBe(2);
    expect(g.dependenciesOf("nope").size).toBe(0);
  });

  it("reverse() flips every edge and keeps all nodes", () => {
    const r = mesh().reverse();
    expect([...r.dependenciesOf("instance.a")]).toEqual(["plug.a.b.t.push"]);
    expect(r.dependenciesOf("plug.a.b.t.push").size).toBe(0);
    expect(r.hasNode("instance.c")).toBe(true);
    expect(r.edgeCount).toBe(2);
  });

  it("removeNode drops the node and its edges", () => {
    const g = mesh().removeNode("instance.a");
    expect(g.hasNode("instance.a")).toBe(false);
    expect([...g.dependenciesOf("plug.a.b.t.push")]).toEqual(["instance.b"]);
    expect(g.edgeCount).toBe(1);
    const self = new Dag<string>().addEdge("x", "x").removeNode("x");
    expect(self.edgeCount).toBe(0);
  });

  it("withDependencies is the --target closure, withDependents the --exclude closure", () => {
    const g = mesh().addEdge("plug.b.c.t.pull", "instance.b").addEdge("plug.b.c.t.pull", "instance.c");
    expect([...g.withDependencies(["plug.a.b.t.push"])].sort()).toEqual(["instance.a", "instance.b", "plug.a.b.t.push"]);
    expect([...g.withDependents(["instance.b"])].sort()).toEqual(["instance.b", "plug.a.b.t.push", "plug.b.c.t.pull"]);
    expect([...g.withDependents(["unknown"])]).toEqual([]);
  });

  it("subgraph keeps only edges between kept nodes", () => {
    const g = mesh();
    const s = g.subgraph(new Set(["plug.a.b.t.push", "instance.a"]));
    expect(s.nodes()).toEqual(["plug.a.b.t.push", "instance.a"]);
    expect(s.edgeCount).toBe(1);
  });

  it("topologicalOrder puts dependencies first", () => {
    const order = mesh().topologicalOrder();
    expect(order.indexOf("instance.a")).toBeLessThan(order.indexOf("plug.a.b.t.push"));
    expect(order.indexOf("instance.b")).toBeLessThan(order.indexOf("plug.a.b.t.push"));
  });

  it("finds and names a cycle", () => {
    const g = new Dag<string>().addEdge("a", "b").addEdge("b", "c").addEdge("c", "a").addNode("d");
    expect(g.findCycle()).toEqual(["a", "b", "c", "a"]);
    let caught: unknown;
    try {
      g.assertAcyclic("mesh graph");
    } catch (e) {
      caught = e;
    }
    expect(isMeshroomError(caught) && caught.code).toBe("E_CONFLICT");
    expect((caught as Error).message).toContain("a -> b -> c -> a");
    expect(() => g.topologicalOrder()).toThrow(/cycle/);
    expect(new Dag<string>().addEdge("x", "x").findCycle()).toEqual(["x", "x"]);
    expect(mesh().findCycle()).toBeUndefined();
  });

  it("findCycle agrees with a topological sort on random graphs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 })),
        ),
        ([n, edges]) => {
          const g = new Dag<string>();
          for (let i = 0; i < n; i++) g.addNode(`n${i}`);
          for (const [a, b] of edges) g.addEdge(`n${a}`, `n${b}`);
          const cycle = g.findCycle();
          if (cycle) {
            expect(cycle[0]).toBe(cycle[cycle.length - 1]);
            for (let i = 0; i + 1 < cycle.length; i++) expect(g.hasEdge(cycle[i]!, cycle[i + 1]!)).toBe(true);
            expect(() => g.topologicalOrder()).toThrow();
          } else {
            const order = g.topologicalOrder();
            const pos = new Map(order.map((k, i) => [k, i]));
            for (const [a, b] of edges) expect(pos.get(`n${b}`)!).toBeLessThan(pos.get(`n${a}`)!);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
