import type { NodePhase } from "./change-graph.js";

/** What apply reports as it goes; the CLI renders these (progress view). */
export type ApplyEvent =
  | { type: "start"; address: string; phase: NodePhase }
  | { type: "finish"; address: string; phase: NodePhase; elapsedMs: number }
  | { type: "fail"; address: string; phase: NodePhase; elapsedMs: number; error: unknown }
  /** Not run because `because` failed (one event per skipped resource, naming the root cause). */
  | { type: "skip"; address: string; phase: NodePhase; because: string }
  /** Interrupted while running (SIGINT): its state says what completed. */
  | { type: "interrupted"; address: string; phase: NodePhase; elapsedMs: number }
  | { type: "step"; address: string; title: string; phase: "setup" | "teardown" | "update" }
  | { type: "state-error"; error: unknown };

export type ApplyEventSink = (e: ApplyEvent) => void;
