// One `--workers` process (started by workers.ts through node:cluster): waits for its options
// over IPC, serves until the primary says stop (or goes away), then closes gracefully.
import { startIntakeServer, type IntakeServer } from "./server.js";
import type { WorkerStart } from "./workers.js";

let server: IntakeServer | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server?.close().catch(() => undefined);
  process.exit(code);
}

process.on("message", (m: WorkerStart | { type: "stop" }) => {
  if (m.type === "stop") return void stop(0);
  if (m.type !== "start" || server) return;
  startIntakeServer({ ...m.options, queueOptions: { ...m.options.queueOptions, env: process.env } }).then(
    (s) => {
      server = s;
      process.send?.({ type: "ready", port: s.port, adminPort: s.adminPort });
    },
    (e: unknown) => {
      process.send?.({ type: "failed", error: (e as Error).message });
      process.exit(1);
    },
  );
});
process.send?.({ type: "hello" });
// the primary is gone (killed): finish what is in flight and leave
process.on("disconnect", () => void stop(0));
// a terminal's Ctrl-C reaches the whole group: the primary stops the workers itself
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => void stop(0));
