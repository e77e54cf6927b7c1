// Decisions of CrowdSec: who gets to read them, and how to add one by hand.
//
// Plug <crowdsec> -[deny pull]-> <firewall> (trigger side): the bouncer of the firewall polls
// the decisions stream of the local API with its own API key. Setup creates the key with
// `cscli bouncers add meshroom-<firewall>` and hands it over as the plug secret `api_key`
// (kept in secrets.gpg, never in a project file); teardown deletes the bouncer; read reports
// drift when someone deleted it (`cscli bouncers delete …`).
//
// `meshroom execute deny <crowdsec> -p address=203.0.113.7 [-p duration=1h] [-p reason=…]`
// adds a ban decision through the local API: every bouncer of the mesh then enforces it.
// `meshroom watch deny <crowdsec>` prints each active decision once.
import { isIP } from "node:net";
import { execute, readTrigger, setupTrigger, teardownTrigger, watch, type HookExec, type PlugContext } from "meshroom/hooks";
import { crowdsecPaths, crowdsecPid, cscli, lapiUrl } from "../../lib/crowdsec.js";
import { sleep } from "../../lib/lab.js";
import { existsSync } from "node:fs";

const WATCH_POLL_MS = 1000;

function bouncerName(plug: PlugContext): string {
  return `meshroom-${plug.dst}`;
}

interface BouncerRow {
  name?: string;
  last_pull?: string;
}

async function listBouncers(exec: HookExec, instance: string): Promise<BouncerRow[]> {
  const r = await cscli(exec, instance, ["bouncers", "list", "-o", "json"]);
  const rows: unknown = JSON.parse(r.stdout.trim() || "[]");
  return Array.isArray(rows) ? (rows as BouncerRow[]) : [];
}

setupTrigger("deny", async ({ instance, plug, exec, log }) => {
  const name = bouncerName(plug);
  if ((await listBouncers(exec, instance.name)).some((b) => b.name === name)) {
    // left by an interrupted apply, or made by hand: replaced, since its key is unknown here
    log.warn(`bouncer ${name} already existed on ${instance.name}; replacing its key`);
    await cscli(exec, instance.name, ["bouncers", "delete", name]);
  }
  const r = await cscli(exec, instance.name, ["bouncers", "add", name, "-o", "raw"]);
  const key = r.stdout.trim();
  if (!/^[A-Za-z0-9]{16,}$/.test(key)) throw new Error(`cscli bouncers add ${name} did not print an API key`);
  await plug.setSecret("api_key", key);
  log.info(`created the bouncer ${name}; its API key is the plug secret \`api_key\``);
  return { outputs: { bouncer: name, lapi_url: lapiUrl(instance.name) } };
}, { mode: "pull", title: "Create the bouncer's API key (cscli bouncers add)" });

teardownTrigger("deny", async ({ instance, plug, outputs, exec, log }) => {
  const name = typeof outputs.bouncer === "string" ? outputs.bouncer : bouncerName(plug);
  if (existsSync(crowdsecPaths(instance.name).config) && (await listBouncers(exec, instance.name)).some((b) => b.name === name)) {
    await cscli(exec, instance.name, ["bouncers", "delete", name]);
    log.info(`deleted the bouncer ${name}`);
  } else {
    log.info(`the bouncer ${name} was already gone`);
  }
  await plug.deleteSecret("api_key");
}, { mode: "pull", title: "Delete the bouncer (cscli bouncers delete)" });

readTrigger("deny", async ({ instance, plug, outputs, exec }) => {
  if (!existsSync(crowdsecPaths(instance.name).config)) return { exists: false };
  const name = typeof outputs.bouncer === "string" ? outputs.bouncer : bouncerName(plug);
  return { exists: (await listBouncers(exec, instance.name)).some((b) => b.name === name) };
}, { mode: "pull", title: "Check the bouncer is registered" });

execute("deny", async ({ instance, params, exec }) => {
  const address = typeof params.address === "string" ? params.address.trim() : "";
  if (isIP(address) === 0) throw new Error(`deny needs an IP address: -p address=203.0.113.7 (got ${JSON.stringify(params.address ?? null)})`);
  const duration = typeof params.duration === "string" && /^\d+[smh]$/.test(params.duration) ? params.duration : "1h";
  const reason = typeof params.reason === "string" && params.reason !== "" ? params.reason : "meshroom execute deny";
  if (crowdsecPid(instance.name) === undefined) throw new Error(`CrowdSec ${instance.name} is not running: run \`meshroom apply\``);
  await cscli(exec, instance.name, ["decisions", "add", "--ip", address, "--duration", duration, "--reason", reason, "--type", "ban"], { netns: true });
  return { decision: "ban", address, duration, reason, by: instance.name };
}, { title: "Add a ban decision (cscli decisions add)" });

interface AlertRow {
  scenario?: string;
  decisions?: Array<{ id?: number; value?: string; type?: string; scope?: string; duration?: string; origin?: string; scenario?: string }>;
}

watch("deny", async function* activeDecisions({ instance, exec, signal }) {
  const seen = new Set<number>();
  while (!signal.aborted) {
    if (crowdsecPid(instance.name) === undefined) throw new Error(`CrowdSec ${instance.name} is not running: run \`meshroom apply\``);
    const r = await cscli(exec, instance.name, ["decisions", "list", "-o", "json"], { netns: true });
    const alerts: unknown = JSON.parse(r.stdout.trim() || "[]");
    for (const alert of Array.isArray(alerts) ? (alerts as AlertRow[]) : []) {
      for (const d of alert.decisions ?? []) {
        if (d.id === undefined || seen.has(d.id)) continue;
        seen.add(d.id);
        yield { id: d.id, type: d.type, scope: d.scope, value: d.value, duration: d.duration, origin: d.origin, scenario: d.scenario ?? alert.scenario };
      }
    }
    try {
      await sleep(WATCH_POLL_MS, signal);
    } catch {
      return;
    }
  }
}, { title: "Active decisions of the local API" });
