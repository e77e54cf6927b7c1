// graph: a domain-free directed acyclic graph (keys are plain strings) and its parallel walk.
// Owns: edge direction (`addEdge(from, to)` = "from depends on to"), cycle detection that names
// the cycle, closures for `--target` (with dependencies) / `--exclude` (with dependents), and
// `walkDag`: bounded parallelism (a visit may leave its place while it waits outside the walk), AbortSignal cancellation, failure skipping with the root cause.
// Knows nothing of meshroom resources, state or hooks.
// May import: errors.
export { Dag } from "./dag.js";
export { walkDag, DEFAULT_PARALLELISM } from "./walk.js";
export type { WalkOptions, WalkPlace, WalkResult, WalkStatus, WalkVisit } from "./walk.js";
