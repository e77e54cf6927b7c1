import { MeshroomError } from "../errors/index.js";

/**
 * A directed acyclic graph of string keys that knows nothing of meshroom.
 *
 * Edge direction: `addEdge(from, to)` means **`from` depends on `to`** — `to` must finish
 * before `from` starts in a forward walk (e.g. `addEdge("plug.a.b.t.push", "instance.a")`).
 * `dependenciesOf(k)` are the nodes `k` points to; `dependentsOf(k)` are the nodes pointing to `k`.
 * A reverse walk (destroy) visits dependents before their dependencies.
 *
 * Cycles are not refused on insertion (that would cost a search per edge); call
 * `findCycle()` / `assertAcyclic()` once the graph is built. Every operation is O(V+E) or better.
 */
export class Dag<K extends string> {
  // Both adjacency directions are kept so either walk direction is O(V+E).
  private readonly _deps = new Map<K, Set<K>>();
  private readonly _dependents = new Map<K, Set<K>>();
  private _edgeCount = 0;

  /** Adds a node; adding an existing node is a no-op. */
  addNode(key: K): this {
    if (!this._deps.has(key)) {
      this._deps.set(key, new Set());
      this._dependents.set(key, new Set());
    }
    return this;
  }

  /** `from` depends on `to`. Both nodes are added if missing; a duplicate edge is a no-op. */
  addEdge(from: K, to: K): this {
    this.addNode(from).addNode(to);
    const deps = this._deps.get(from)!;
    if (deps.has(to)) return this;
    deps.add(to);
    this._dependents.get(to)!.add(from);
    this._edgeCount++;
    return this;
  }

  /** Removes a node and every edge touching it. */
  removeNode(key: K): this {
    const deps = this._deps.get(key);
    if (!deps) return this;
    const dependents = this._dependents.get(key)!;
    this._edgeCount -= deps.size + dependents.size - (deps.has(key) ? 1 : 0);
    for (const d of deps) if (d !== key) this._dependents.get(d)!.delete(key);
    for (const d of dependents) if (d !== key) this._deps.get(d)!.delete(key);
    this._deps.delete(key);
    this._dependents.delete(key);
    return this;
  }

  hasNode(key: K): boolean {
    return this._deps.has(key);
  }

  hasEdge(from: K, to: K): boolean {
    return this._deps.get(from)?.has(to) ?? false;
  }

  /** Nodes in insertion order. */
  nodes(): K[] {
    return [...this._deps.keys()];
  }

  get size(): number {
    return this._deps.size;
  }

  get edgeCount(): number {
    return this._edgeCount;
  }

  /** What `key` depends on (direct only). Unknown keys give an empty set. */
  dependenciesOf(key: K): ReadonlySet<K> {
    return this._deps.get(key) ?? EMPTY;
  }

  /** What depends on `key` (direct only). Unknown keys give an empty set. */
  dependentsOf(key: K): ReadonlySet<K> {
    return this._dependents.get(key) ?? EMPTY;
  }

  /** A copy with every edge flipped: dependencies become dependents. */
  reverse(): Dag<K> {
    const r = new Dag<K>();
    for (const k of this._deps.keys()) r.addNode(k);
    for (const [from, tos] of this._deps) for (const to of tos) r.addEdge(to, from);
    return r;
  }

  /** The subgraph induced by `keep` (edges between kept nodes only), in this graph's node order. */
  subgraph(keep: ReadonlySet<K>): Dag<K> {
    const s = new Dag<K>();
    for (const k of this._deps.keys()) if (keep.has(k)) s.addNode(k);
    for (const [from, tos] of this._deps) {
      if (!keep.has(from)) continue;
      for (const to of tos) if (keep.has(to)) s.addEdge(from, to);
    }
    return s;
  }

  /** `roots` plus everything they transitively depend on (`--target`). Unknown roots are ignored. */
  withDependencies(roots: Iterable<K>): Set<K> {
    return this._closure(roots, this._deps);
  }

  /** `roots` plus everything that transitively depends on them (`--exclude`). Unknown roots are ignored. */
  withDependents(roots: Iterable<K>): Set<K> {
    return this._closure(roots, this._dependents);
  }

  /**
   * One cycle as a path that starts and ends on the same node (`[a, b, a]`), or undefined.
   * Iterative DFS with colours, O(V+E), no recursion limit.
   */
  findCycle(): K[] | undefined {
    const state = new Map<K, 1 | 2>(); // 1 = on the current path, 2 = finished
    for (const start of this._deps.keys()) {
      if (state.has(start)) continue;
      const path: K[] = [start];
      const iters: Iterator<K>[] = [this._deps.get(start)!.values()];
      state.set(start, 1);
      while (path.length > 0) {
        const next = iters[iters.length - 1]!.next();
        if (next.done) {
          state.set(path.pop()!, 2);
          iters.pop();
          continue;
        }
        const n = next.value;
        const s = state.get(n);
        if (s === 1) return [...path.slice(path.indexOf(n)), n];
        if (s === 2) continue;
        state.set(n, 1);
        path.push(n);
        iters.push(this._deps.get(n)!.values());
      }
    }
    return undefined;
  }

  /** Throws E_CONFLICT naming one cycle (`a -> b -> a`) when the graph has one. */
  assertAcyclic(what = "dependency graph"): void {
    const cycle = this.findCycle();
    if (!cycle) return;
    throw new MeshroomError("E_CONFLICT", `The ${what} has a cycle: ${cycle.join(" -> ")}`, {
      detail: "Each arrow reads \"depends on\". Remove one of these dependencies to break the cycle.",
    });
  }

  /** Dependencies before dependents (Kahn's algorithm, stable in insertion order). Throws on a cycle. */
  topologicalOrder(): K[] {
    const remaining = new Map<K, number>();
    const ready: K[] = [];
    for (const [k, deps] of this._deps) {
      remaining.set(k, deps.size);
      if (deps.size === 0) ready.push(k);
    }
    for (let i = 0; i < ready.length; i++) {
      for (const d of this._dependents.get(ready[i]!)!) {
        const left = remaining.get(d)! - 1;
        remaining.set(d, left);
        if (left === 0) ready.push(d);
      }
    }
    if (ready.length !== this._deps.size) this.assertAcyclic();
    return ready;
  }

  private _closure(roots: Iterable<K>, adj: Map<K, Set<K>>): Set<K> {
    const seen = new Set<K>();
    const stack: K[] = [];
    for (const r of roots) {
      if (adj.has(r) && !seen.has(r)) {
        seen.add(r);
        stack.push(r);
      }
    }
    while (stack.length > 0) {
      for (const n of adj.get(stack.pop()!)!) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>();
