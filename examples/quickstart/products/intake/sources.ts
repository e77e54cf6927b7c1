// Plug hooks of the intake: every plug gets its own credential on the intake, created through
// the admin API with the instance's admin token and handed over as the plug secret `token`.
//
// - <producer> -[events push]-> intake: a `producer` source named after the producing instance
//   (it may only post to /events/<name>). The intake owns both sides of this edge: the producer
//   has nothing to set up, it only needs the token (see webhook_source's produce hook).
// - intake -[events pull]-> <consumer>: a `consumer` source named `<consumer>-reader` (it may
//   only read the queue; `-` cannot appear in an instance name, so no clash with a producer).
//
// Teardown revokes the credential; read reports drift when someone deleted it.
import {
  readConsumer, readProducer, setupConsumer, setupProducer, teardownConsumer, teardownProducer,
  type InstanceContext, type PlugContext, type HookLog,
} from "meshroom/hooks";
import { findIntake, intakeRequest, replyError, requireIntake, type IntakeEndpoint } from "../../lib/intake-client.js";

type SourceKind = "producer" | "consumer";

setupConsumer("events", async ({ instance, plug, log, signal }) => {
  const source = await createSource(instance, plug, plug.src, "producer", log, signal);
  return { outputs: { source } };
}, { mode: "push", ownsBoth: true, title: "Create the intake source and its token" });

teardownConsumer("events", async ({ instance, plug, outputs, log, signal }) => {
  await revokeSource(instance, plug, stringOr(outputs.source, plug.src), log, signal);
}, { mode: "push", title: "Revoke the intake source" });

readConsumer("events", async ({ instance, plug, outputs, signal }) => {
  return readSource(instance, stringOr(outputs.source, plug.src), "source", signal);
}, { mode: "push", title: "Check the intake source exists" });

setupProducer("events", async ({ instance, plug, log, signal }) => {
  const consumer = await createSource(instance, plug, readerName(plug), "consumer", log, signal);
  return { outputs: { consumer } };
}, { mode: "pull", title: "Create a queue reader token" });

teardownProducer("events", async ({ instance, plug, outputs, log, signal }) => {
  await revokeSource(instance, plug, stringOr(outputs.consumer, readerName(plug)), log, signal);
}, { mode: "pull", title: "Revoke the queue reader token" });

readProducer("events", async ({ instance, plug, outputs, signal }) => {
  return readSource(instance, stringOr(outputs.consumer, readerName(plug)), "consumer", signal);
}, { mode: "pull", title: "Check the queue reader exists" });

function readerName(plug: PlugContext): string {
  return `${plug.dst}-reader`;
}

async function admin(instance: InstanceContext, ep: IntakeEndpoint) {
  const token = await instance.getSecret("admin_token");
  if (token === undefined) throw new Error(`instance ${instance.name} has no admin_token secret: run \`meshroom apply\` to (re)start it`);
  return (method: string, path: string, signal: AbortSignal, body?: unknown) => intakeRequest(ep, method, path, { token, signal, body });
}

async function createSource(
  instance: InstanceContext, plug: PlugContext, name: string, kind: SourceKind, log: HookLog, signal: AbortSignal,
): Promise<string> {
  const call = await admin(instance, requireIntake(instance.name));
  let r = await call("POST", "/admin/sources", signal, { name, kind });
  if (r.status === 409) {
    // Left by an interrupted apply (or made by hand): take it over with a fresh token.
    log.warn(`${kind} ${name} already existed on ${instance.name}; replacing its token`);
    await call("DELETE", `/admin/sources/${encodeURIComponent(name)}`, signal);
    r = await call("POST", "/admin/sources", signal, { name, kind });
  }
  if (r.status !== 201 || typeof r.body.token !== "string") {
    throw new Error(`the intake refused to create ${kind} ${name}: ${replyError(r)}`);
  }
  await plug.setSecret("token", r.body.token);
  log.info(`created ${kind} ${name}; its token is the plug secret \`token\``);
  return name;
}

async function revokeSource(instance: InstanceContext, plug: PlugContext, name: string, log: HookLog, signal: AbortSignal): Promise<void> {
  const ep = findIntake(instance.name);
  if (!ep) {
    // Nothing answers with this token any more; the source is dropped with the intake's data.
    log.warn(`the intake of ${instance.name} is not running; nothing to revoke for ${name}`);
  } else {
    const r = await (await admin(instance, ep))("DELETE", `/admin/sources/${encodeURIComponent(name)}`, signal);
    if (r.status !== 200 && r.status !== 404) throw new Error(`the intake refused to revoke ${name}: ${replyError(r)}`);
    log.info(r.status === 404 ? `${name} was already gone` : `revoked ${name}`);
  }
  await plug.deleteSecret("token");
}

async function readSource(instance: InstanceContext, name: string, key: "source" | "consumer", signal: AbortSignal) {
  const ep = findIntake(instance.name);
  if (!ep) return { exists: false };
  const r = await (await admin(instance, ep))("GET", `/admin/sources/${encodeURIComponent(name)}`, signal);
  if (r.status === 404) return { exists: false };
  if (r.status !== 200) throw new Error(`the intake did not say whether ${name} exists: ${replyError(r)}`);
  return { exists: true, outputs: { [key]: name } };
}

function stringOr(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : fallback;
}
