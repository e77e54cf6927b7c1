// Hooks of webhook_source. It has nothing to set up: the intake creates its source and hands
// the token over as the plug secret `token` (products/intake/sources.ts).
//
// `meshroom produce events <this instance> <intake instance>` calls the produce hook once per
// stdin line: a JSON object (or array) is sent as is, any other line is wrapped as
// {"summary": line}. The result is the intake's answer: accepted with its queue offsets, or
// rejected with the reason (the event is then in the intake's dead-letter queue).
import { produce } from "meshroom/hooks";
import { intakeRequest, replyError, requireIntake } from "../../lib/intake-client.js";

produce("events", async ({ data, plug, signal }) => {
  if (!plug) throw new Error("webhook_source sends events through a plug: meshroom produce events <webhook instance> <intake instance>");
  const token = await plug.getSecret("token");
  if (token === undefined) throw new Error(`the plug ${plug.src} → ${plug.dst} has no token yet: run \`meshroom apply\``);
  const ep = requireIntake(plug.dst);
  const r = await intakeRequest(ep, "POST", `/events/${encodeURIComponent(plug.src)}`, { token, body: toEvent(data), signal });
  if (r.status === 202) return { status: r.status, accepted: r.body.accepted, offsets: r.body.offsets };
  if (r.status === 422) {
    const rejected = Array.isArray(r.body.rejected) ? (r.body.rejected as Array<Record<string, unknown>>) : [];
    return { status: r.status, accepted: r.body.accepted, rejected: replyError(r), dlq_ids: rejected.map((x) => x.dlq_id) };
  }
  throw new Error(`the intake refused the event (${r.status}): ${replyError(r)}`);
}, { mode: "push", title: "POST to the intake" });

function toEvent(line: string): unknown {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v === "object" && v !== null) return v;
  } catch {
    // not JSON: plain text
  }
  return { summary: line, category: "webhook" };
}
