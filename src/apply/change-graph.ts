import { Dag } from "../graph/index.js";
import type { PlanChange } from "../plan/index.js";

export type NodePhase = "create" | "update" | "delete";
export type NodeKey = `${NodePhase}:${string}`;

export function nodeKey(phase: NodePhase, address: string): NodeKey {
  return `${phase}:${address}`;
}

export function parseNodeKey(k: NodeKey): { phase: NodePhase; address: string } {
  const i = k.indexOf(":");
  return { phase: k.slice(0, i) as NodePhase, address: k.slice(i + 1) };
}

/**
 * The graph apply walks: one node per phase of each change (a replace is a delete node then a
 * create node). Creates and updates wait for the creates/updates of what they depend on;
 * a delete waits for the deletes of what depended on it (so deletes run in reverse order), and
 * a replaced resource is created only after its old self is gone.
 */
export function buildChangeGraph(changes: readonly PlanChange[]): Dag<NodeKey> {
  const dag = new Dag<NodeKey>();
  for (const c of changes) {
    if (c.action === "delete" || c.action === "replace") dag.addNode(nodeKey("delete", c.address));
    if (c.action === "create" || c.action === "replace") dag.addNode(nodeKey("create", c.address));
    if (c.action === "update") dag.addNode(nodeKey("update", c.address));
  }
  for (const c of changes) {
    const forward = c.action === "update" ? nodeKey("update", c.address) : nodeKey("create", c.address);
    if (c.action !== "delete") {
      for (const d of c.dependencies) {
        for (const dep of [nodeKey("create", d), nodeKey("update", d)]) if (dag.hasNode(dep)) dag.addEdge(forward, dep);
      }
    }
    if (c.action === "replace") dag.addEdge(nodeKey("create", c.address), nodeKey("delete", c.address));
    if (c.action === "delete" || c.action === "replace") {
      for (const d of c.priorDependencies) {
        const del = nodeKey("delete", d);
        if (dag.hasNode(del)) dag.addEdge(del, nodeKey("delete", c.address));
      }
    }
  }
  return dag;
}
