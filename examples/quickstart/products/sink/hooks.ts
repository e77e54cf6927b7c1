// Hooks of sink, a SIEM-like consumer that pulls the intake's queue.
//
// The intake creates the reader token and hands it over as the plug secret `token`
// (products/intake/sources.ts, pull side); the sink's own setup checks that the token
// really reads the queue, and its read hook reports drift when it no longer does.
// `meshroom watch events <intake instance> <sink instance>` prints the events it pulls,
// from the start of the queue, one JSON envelope per line.
import { readConsumer, setupConsumer, watch } from "meshroom/hooks";
import { findIntake, intakeRequest, isRecord, replyError, requireIntake } from "../../lib/intake-client.js";

/** How long one GET /queue waits for new events (the intake caps it at 30 s). */
const LONG_POLL_MS = 1000;

setupConsumer("events", async ({ plug, log, signal }) => {
  const token = await plug.getSecret("token");
  if (token === undefined) throw new Error(`the intake ${plug.src} did not hand over a reader token (plug secret \`token\`)`);
  const ep = requireIntake(plug.src);
  const r = await intakeRequest(ep, "GET", "/queue?after=0&limit=1", { token, signal });
  if (r.status !== 200) throw new Error(`the reader token does not read ${plug.src}'s queue: ${replyError(r)}`);
  log.info(`reading ${ep.url}/queue (last offset ${String(r.body.last)})`);
  return { outputs: { queue: `${ep.url}/queue` } };
}, { mode: "pull", title: "Check the queue can be read" });

readConsumer("events", async ({ plug, signal }) => {
  const token = await plug.getSecret("token");
  const ep = findIntake(plug.src);
  if (token === undefined || !ep) return { exists: false };
  const r = await intakeRequest(ep, "GET", "/queue?after=0&limit=1", { token, signal });
  if (r.status === 401 || r.status === 403) return { exists: false };
  if (r.status !== 200) throw new Error(`cannot read ${plug.src}'s queue: ${replyError(r)}`);
  return { exists: true, outputs: { queue: `${ep.url}/queue` } };
}, { mode: "pull", title: "Check the queue can be read" });

watch("events", async function* pullQueue({ plug, signal }) {
  if (!plug) throw new Error("sink reads through a plug: meshroom watch events <intake instance> <sink instance>");
  const token = await plug.getSecret("token");
  if (token === undefined) throw new Error(`the plug ${plug.src} → ${plug.dst} has no reader token yet: run \`meshroom apply\``);
  const ep = requireIntake(plug.src);
  let after = 0;
  while (!signal.aborted) {
    const r = await intakeRequest(ep, "GET", `/queue?after=${after}&limit=100&wait=${LONG_POLL_MS}`, {
      token, signal, timeoutMs: LONG_POLL_MS + 10_000,
    });
    if (r.status !== 200 || !Array.isArray(r.body.events) || typeof r.body.next !== "number") {
      throw new Error(`cannot read ${plug.src}'s queue: ${replyError(r)}`);
    }
    for (const event of r.body.events) if (isRecord(event)) yield event;
    after = r.body.next;
  }
}, { mode: "pull", title: "Pull the intake queue" });
