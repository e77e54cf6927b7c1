import { setMaxListeners } from "node:events";
import { MeshroomError } from "../errors/index.js";
import type { Dag } from "./dag.js";

/** Abort listeners one running visit may hold on the walk's signal at once (see setMaxListeners below). */
const LISTENERS_PER_VISIT = 4;

/**
 * How one node ended:
 * - `done`: its visit resolved;
 * - `failed`: its visit rejected (`error` holds the reason);
 * - `skipped`: never visited because a node it (transitively) waits for failed;
 *   `skippedBecause` names that root-cause node, so a failure is reported once, not as a cascade;
 * - `cancelled`: the walk's signal aborted. Without `error` the node never started; with `error`
 *   it was running and its visit rejected after the abort (it may be half-done).
 */
export type WalkStatus = "done" | "failed" | "skipped" | "cancelled";

export interface WalkResult<K extends string> {
  status: WalkStatus;
  error?: unknown;
  skippedBecause?: K;
}

export type WalkVisit<K extends string> = (key: K, signal: AbortSignal, place: WalkPlace) => Promise<void>;

/**
 * A running visit's place among the `parallelism` that run at once. A visit that waits for
 * something outside the walk (a write many visits share) may `leave()` its place meanwhile, so
 * other nodes run, and `take()` one again before it goes on; a visit waiting to take a place
 * back goes ahead of nodes not started yet (started work finishes first). Nodes not started cost
 * no more than their key, however many are ready.
 */
export interface WalkPlace {
  /** Gives the place up (no-op when not held). The visit may end without taking it back. */
  leave(): void;
  /** Resolves once the visit holds a place again (at once when it holds one); rejects with E_ABORTED when the walk's signal aborts first. */
  take(): Promise<void>;
}

export interface WalkOptions<K extends string> {
  /** Most visits running at once (default 10; one that left its place does not count). A positive integer, or Infinity. */
  parallelism?: number;
  /** When it aborts, no new visit starts, the rest end `cancelled`, running visits see their signal abort. */
  signal?: AbortSignal;
  /** Walk dependents before their dependencies (destroy order). */
  reverse?: boolean;
  /** Called once per node, as soon as its result is known (for progress views). Must not throw. */
  onSettled?: (key: K, result: WalkResult<K>) => void;
}

export const DEFAULT_PARALLELISM = 10;

/**
 * Visits every node of `dag` once its dependencies (dependents when `reverse`) finished `done`.
 * Resolves (never rejects for a visit's failure) with one result per node, in the graph's node
 * order. Throws E_CONFLICT up front if the graph has a cycle. O(V+E) bookkeeping per walk.
 */
export function walkDag<K extends string>(
  dag: Dag<K>,
  visit: WalkVisit<K>,
  opts: WalkOptions<K> = {},
): Promise<Map<K, WalkResult<K>>> {
  const parallelism = opts.parallelism ?? DEFAULT_PARALLELISM;
  if (!(parallelism === Infinity || (Number.isInteger(parallelism) && parallelism >= 1))) {
    throw new MeshroomError("E_BAD_VALUE", `Parallelism must be a positive integer, got ${parallelism}`);
  }
  dag.assertAcyclic();

  const reverse = opts.reverse === true;
  const upstreamOf = (k: K) => (reverse ? dag.dependentsOf(k) : dag.dependenciesOf(k));
  const downstreamOf = (k: K) => (reverse ? dag.dependenciesOf(k) : dag.dependentsOf(k));

  const nodes = dag.nodes();
  const waitingOn = new Map<K, number>();
  const ready: K[] = [];
  let head = 0;
  for (const k of nodes) {
    const n = upstreamOf(k).size;
    waitingOn.set(k, n);
    if (n === 0) ready.push(k);
  }

  const results = new Map<K, WalkResult<K>>();
  const running = new Set<K>();
  /** Running visits that hold a place (the others left theirs, see WalkPlace). */
  let placed = 0;
  /** Visits waiting to take their place back, served before nodes not started. */
  const returning = new Fifo<{ resolve: () => void; reject: (e: unknown) => void }>();
  const controller = new AbortController();
  // Each running visit may listen to this signal (a hook's abort handler, a child process's):
  // `parallelism` of them at once is the design, not a leak, so Node's leak warning (at 11
  // listeners) must not fire and reach the user's terminal.
  setMaxListeners(parallelism === Infinity ? 0 : Math.max(10, LISTENERS_PER_VISIT * parallelism), controller.signal);
  const outer = opts.signal;

  return new Promise((resolve) => {
    let finished = false;
    let cancelledRest = false;

    const settle = (k: K, r: WalkResult<K>): void => {
      results.set(k, r);
      opts.onSettled?.(k, r);
    };

    const release = (k: K): void => {
      for (const d of downstreamOf(k)) {
        if (results.has(d)) continue;
        const left = waitingOn.get(d)! - 1;
        waitingOn.set(d, left);
        if (left === 0) ready.push(d);
      }
    };

    // Each node is settled at most once, so all propagation together stays O(V+E).
    const propagate = (from: K, make: () => WalkResult<K>): void => {
      const stack = [...downstreamOf(from)];
      while (stack.length > 0) {
        const d = stack.pop()!;
        if (results.has(d) || running.has(d)) continue;
        settle(d, make());
        for (const n of downstreamOf(d)) stack.push(n);
      }
    };

    const start = (k: K): void => {
      running.add(k);
      placed++;
      let held = true;
      const place: WalkPlace = {
        leave: () => {
          if (!held) return;
          held = false;
          placed--;
          pump();
        },
        take: () => {
          if (held) return Promise.resolve();
          if (controller.signal.aborted) return Promise.reject(abortedWaiting());
          if (placed < parallelism && returning.size === 0) {
            held = true;
            placed++;
            return Promise.resolve();
          }
          return new Promise<void>((resolve, reject) => {
            returning.push({ resolve: () => ((held = true), resolve()), reject });
          });
        },
      };
      const ended = (): void => {
        running.delete(k);
        if (held) placed--;
        held = false;
      };
      let p: Promise<void>;
      try {
        p = Promise.resolve(visit(k, controller.signal, place));
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        () => {
          ended();
          settle(k, { status: "done" });
          release(k);
          pump();
        },
        (error: unknown) => {
          ended();
          if (controller.signal.aborted) {
            settle(k, { status: "cancelled", error });
            propagate(k, () => ({ status: "cancelled" }));
          } else {
            settle(k, { status: "failed", error });
            propagate(k, () => ({ status: "skipped", skippedBecause: k }));
          }
          pump();
        },
      );
    };

    // A visit may leave its place as soon as it starts, which calls pump again from inside
    // start(): that call only asks the running pump for another pass, so the stack stays flat
    // however many nodes start in one go.
    let pumping = false;
    let again = false;
    const pump = (): void => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          pumpOnce();
        } while (again && !finished);
      } finally {
        pumping = false;
      }
    };

    const pumpOnce = (): void => {
      if (finished) return;
      if (controller.signal.aborted) {
        if (!cancelledRest) {
          cancelledRest = true;
          for (const k of nodes) if (!results.has(k) && !running.has(k)) settle(k, { status: "cancelled" });
        }
        for (let w = returning.shift(); w; w = returning.shift()) w.reject(abortedWaiting());
      } else {
        for (let w = placed < parallelism ? returning.shift() : undefined; w; w = placed < parallelism ? returning.shift() : undefined) {
          placed++;
          w.resolve();
        }
        while (placed < parallelism && returning.size === 0 && head < ready.length) {
          const k = ready[head++]!;
          if (!results.has(k)) start(k);
        }
      }
      if (running.size > 0 || (!controller.signal.aborted && head < ready.length)) return;
      finished = true;
      outer?.removeEventListener("abort", onAbort);
      const ordered = new Map<K, WalkResult<K>>();
      for (const k of nodes) ordered.set(k, results.get(k) ?? { status: "cancelled" });
      resolve(ordered);
    };

    const onAbort = (): void => {
      controller.abort(outer?.reason);
      pump();
    };

    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    pump();
  });
}

function abortedWaiting(): MeshroomError {
  return new MeshroomError("E_ABORTED", "interrupted while waiting to go on");
}

/** FIFO with O(1) shift (Array#shift is linear, and thousands of visits may wait at once). */
class Fifo<T> {
  private _items: T[] = [];
  private _head = 0;

  get size(): number {
    return this._items.length - this._head;
  }

  push(item: T): void {
    this._items.push(item);
  }

  shift(): T | undefined {
    if (this._head >= this._items.length) return undefined;
    const item = this._items[this._head++]!;
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return item;
  }
}
