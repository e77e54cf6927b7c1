// Hooks of rsyslog, the lab's log forwarder.
//
// Instance: `rsyslogd -n` with its own config in <project>/.meshroom/run/<instance>/ inside the
// lab's network namespace. Every message it receives is appended to events.jsonl as one JSON
// object (time, host, program, severity, source, message): what `meshroom watch` shows.
// rsyslog reads its config only at start (a SIGHUP just reopens files), so every config
// change is a restart.
//
// Plug <src> -[events push]-> <this rsyslog> (consumer side): a UDP input on 127.0.0.1 for that
// producer (conf.d/in-<src>.conf, input name = the producer instance), announced to the
// producer side through the endpoint file. `watch` tails events.jsonl, that input only.
//
// Plug <this rsyslog> -[events push]-> <dst> (producer side): an omfwd action that forwards
// every message over UDP to the input the consumer side opened (conf.d/out-<dst>.conf).
//
// Plug <src> -[alerts pull, eve]-> <this rsyslog> (Suricata's alerts): rsyslog owns the plug, as
// reading a file needs nothing from the IDS. An imfile input follows the EVE file the producer
// offers as its feed (conf.d/file-<src>.conf), in a ruleset of its own that writes each line to
// alerts.jsonl only: IDS alerts are not forwarded as syslog. `watch alerts` parses them back.
import { existsSync, readdirSync, rmSync } from "node:fs";
import {
  readConsumer, readInstance, readProducer, setupConsumer, setupInstance, setupProducer,
  teardownConsumer, teardownInstance, teardownProducer, watch, type HookExec,
} from "meshroom/hooks";
import { type DaemonSpec, portsListening, runningPid, startAndWait, stopDaemon, stopInstance } from "../../lib/daemon.js";
import {
  ensureDir, ensureNetns, intSetting, NETNS, pickPort, removeEndpoint, requireEndpoint,
  requireFeed, runDir, usedEndpointPorts, withLock, writeEndpoint, writeText,
} from "../../lib/lab.js";
import { tailJsonLines } from "../../lib/tail.js";

function configFile(instance: string): string {
  return runDir(instance, "rsyslog.conf");
}

function eventsFile(instance: string): string {
  return runDir(instance, "events.jsonl");
}

function daemon(instance: string): DaemonSpec {
  const conf = configFile(instance);
  const pidFile = runDir(instance, "rsyslogd.pid");
  return { instance, name: "rsyslog", cmd: "rsyslogd", args: ["-n", "-f", conf, "-i", pidFile], marker: conf, ownPidFile: pidFile };
}

const inputFile = (instance: string, src: string) => runDir(instance, "conf.d", `in-${src}.conf`);
const outputFile = (instance: string, dst: string) => runDir(instance, "conf.d", `out-${dst}.conf`);
const fileInputFile = (instance: string, src: string) => runDir(instance, "conf.d", `file-${src}.conf`);

function alertsFile(instance: string): string {
  return runDir(instance, "alerts.jsonl");
}

/** True when a plug added an imfile input (the module must then be loaded, once). */
function hasFileInputs(instance: string): boolean {
  const dir = runDir(instance, "conf.d");
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith("file-") && f.endsWith(".conf"));
}

function renderConfig(instance: string, withInputs: boolean): string {
  const dir = runDir(instance);
  return `# rsyslog of the meshroom SOC lab (instance ${instance}); written by meshroom, do not edit.
global(workDirectory="${dir}/work" maxMessageSize="64k")
${withInputs ? 'module(load="imudp")' : "# no inputs yet: imudp is loaded once a plug adds one"}
${hasFileInputs(instance) ? 'module(load="imfile")' : "# no file inputs: imfile is loaded once an alerts plug adds one"}
# one JSON object per line, for \`meshroom watch\`
template(name="meshroom_json" type="list") {
  constant(value="{\\"time\\":\\"")      property(name="timereported" dateFormat="rfc3339")
  constant(value="\\",\\"host\\":\\"")     property(name="hostname" format="json")
  constant(value="\\",\\"program\\":\\"")  property(name="programname" format="json")
  constant(value="\\",\\"severity\\":\\"") property(name="syslogseverity-text")
  constant(value="\\",\\"source\\":\\"")   property(name="inputname" format="json")
  constant(value="\\",\\"message\\":\\"")  property(name="msg" format="json" droplastlf="on")
  constant(value="\\"}\\n")
}
action(type="omfile" file="${dir}/events.jsonl" template="meshroom_json")
# inputs (in-<producer>.conf) and forwards (out-<consumer>.conf), written by plug hooks
include(file="${dir}/conf.d/*.conf" mode="optional")
`;
}

/**
 * Applies `change` (config fragments, endpoints), writes the main config, checks it, stops
 * rsyslog and starts it again; waits for every input port. One at a time per instance: two plug
 * hooks may change the same rsyslog concurrently. `onlyIfRunning`: teardowns do not start it.
 */
async function restart(
  exec: HookExec, instance: string, signal: AbortSignal, change: () => void = () => undefined, opts: { onlyIfRunning?: boolean } = {},
): Promise<number | undefined> {
  return withLock(`rsyslog:${instance}`, async () => {
    change();
    if (opts.onlyIfRunning && runningPid(daemon(instance)) === undefined) return undefined;
    const ports = [...usedEndpointPorts(instance)].map((p) => `udp:${p}`);
    writeText(configFile(instance), renderConfig(instance, ports.length > 0));
    const check = await exec("rsyslogd", ["-N1", "-f", configFile(instance)], { reject: false });
    if (check.exitCode !== 0) throw new Error(`rsyslog rejects its config ${configFile(instance)}:\n${(check.stderr || check.stdout).trim()}`);
    const d = daemon(instance);
    await stopDaemon(d);
    return startAndWait(d, () => portsListening(exec, ports), { timeoutMs: 20_000, signal, what: `listen on ${ports.join(", ") || "nothing"}` });
  });
}

setupInstance(async ({ instance, exec, log, signal }) => {
  await ensureNetns(exec, instance.name);
  if (await stopDaemon(daemon(instance.name))) log.warn("stopped an rsyslog left over by an earlier run");
  ensureDir(runDir(instance.name, "work"));
  ensureDir(runDir(instance.name, "conf.d"));
  writeText(configFile(instance.name), renderConfig(instance.name, false));
  const pid = await restart(exec, instance.name, signal);
  log.info(`rsyslog runs (pid ${pid}) in the network namespace ${NETNS}; messages in ${eventsFile(instance.name)}`);
  return { outputs: { events_file: eventsFile(instance.name), netns: NETNS } };
}, { title: "Start rsyslog in the lab's network namespace", timeout: 60 });

teardownInstance(({ instance, exec, log }) => stopInstance(exec, log, daemon(instance.name), "rsyslog"), { title: "Stop rsyslog", timeout: 60 });

readInstance(async ({ instance }) => {
  return { exists: runningPid(daemon(instance.name)) !== undefined };
}, { title: "Check rsyslog runs" });

// ── <src> -[events]-> rsyslog ────────────────────────────────────────────────────────────────

setupConsumer("events", async ({ instance, plug, exec, log, signal }) => {
  let port = 0;
  await restart(exec, instance.name, signal, () => {
    port = pickPort(instance.name, "events", plug.src, intSetting(instance.settings.syslog_port, 5514));
    writeText(inputFile(instance.name, plug.src),
      `# syslog from ${plug.src} (plug ${plug.src} -[events]-> ${plug.dst}); written by meshroom\n` +
      `input(type="imudp" address="127.0.0.1" port="${port}" name="${plug.src}")\n`);
    writeEndpoint(instance.name, "events", plug.src, { host: "127.0.0.1", port, proto: "udp" });
  });
  log.info(`rsyslog listens for ${plug.src} on 127.0.0.1:${port}/udp`);
  return { outputs: { port } };
}, { mode: "push", title: "Open a UDP syslog input" });

teardownConsumer("events", async ({ instance, plug, exec, log, signal }) => {
  await restart(exec, instance.name, signal, () => {
    rmSync(inputFile(instance.name, plug.src), { force: true });
    removeEndpoint(instance.name, "events", plug.src);
  }, { onlyIfRunning: true });
  log.info(`closed the input of ${plug.src}`);
}, { mode: "push", title: "Close the UDP syslog input" });

readConsumer("events", async ({ instance, plug }) => {
  const running = runningPid(daemon(instance.name)) !== undefined;
  return { exists: running && existsSync(inputFile(instance.name, plug.src)) };
}, { mode: "push", title: "Check the syslog input is open" });

watch("events", async function* tailEvents({ instance, plug, signal }) {
  // on a plug: what arrived from its producer; on the instance alone: everything
  const from = plug && plug.dst === instance.name ? plug.src : undefined;
  for await (const event of tailJsonLines(eventsFile(instance.name), signal)) {
    if (from !== undefined && event.source !== from) continue;
    if (typeof event.message === "string") event.message = event.message.trim();
    yield event;
  }
}, { title: "Tail the messages rsyslog received" });

// ── rsyslog -[events]-> <dst> ────────────────────────────────────────────────────────────────

setupProducer("events", async ({ instance, plug, exec, log, signal }) => {
  const ep = requireEndpoint(plug.dst, "events", instance.name);
  await restart(exec, instance.name, signal, () => writeText(outputFile(instance.name, plug.dst),
    `# forward to ${plug.dst} (plug ${plug.src} -[events]-> ${plug.dst}); written by meshroom\n` +
    `action(type="omfwd" name="to_${plug.dst}" target="${ep.host}" port="${ep.port}" protocol="${ep.proto}")\n`));
  log.info(`rsyslog forwards every message to ${plug.dst} at ${ep.host}:${ep.port}/${ep.proto}`);
  return { outputs: { forward_to: `${ep.host}:${ep.port}` } };
}, { mode: "push", title: "Forward syslog over UDP" });

teardownProducer("events", async ({ instance, plug, exec, log, signal }) => {
  await restart(exec, instance.name, signal, () => rmSync(outputFile(instance.name, plug.dst), { force: true }), { onlyIfRunning: true });
  log.info(`rsyslog no longer forwards to ${plug.dst}`);
}, { mode: "push", title: "Stop forwarding" });

readProducer("events", async ({ instance, plug }) => {
  const running = runningPid(daemon(instance.name)) !== undefined;
  return { exists: running && existsSync(outputFile(instance.name, plug.dst)) };
}, { mode: "push", title: "Check the forwarding is configured" });

// ── <suricata> -[alerts pull, eve]-> rsyslog ─────────────────────────────────────────────────

setupConsumer("alerts", async ({ instance, plug, exec, log, signal }) => {
  const feed = requireFeed(plug.src, "alerts");
  const ruleset = `alerts_${plug.src}`;
  await restart(exec, instance.name, signal, () => writeText(fileInputFile(instance.name, plug.src),
    `# EVE alerts of ${plug.src} (plug ${plug.src} -[alerts]-> ${plug.dst}); written by meshroom\n` +
    `ruleset(name="${ruleset}") {\n  action(type="omfile" file="${alertsFile(instance.name)}" template="meshroom_json")\n}\n` +
    `input(type="imfile" File="${feed.file}" Tag="${plug.src}" Severity="alert" ruleset="${ruleset}")\n`));
  log.info(`rsyslog reads the alerts of ${plug.src} from ${feed.file}`);
  return { outputs: { reads: feed.file } };
}, { mode: "pull", format: "eve", ownsBoth: true, title: "Read the IDS's EVE file (imfile)" });

teardownConsumer("alerts", async ({ instance, plug, exec, log, signal }) => {
  await restart(exec, instance.name, signal, () => rmSync(fileInputFile(instance.name, plug.src), { force: true }), { onlyIfRunning: true });
  log.info(`rsyslog no longer reads the alerts of ${plug.src}`);
}, { mode: "pull", format: "eve", title: "Stop reading the EVE file" });

readConsumer("alerts", async ({ instance, plug }) => {
  const running = runningPid(daemon(instance.name)) !== undefined;
  return { exists: running && existsSync(fileInputFile(instance.name, plug.src)) };
}, { mode: "pull", format: "eve", title: "Check the EVE file is read" });

watch("alerts", async function* tailAlerts({ instance, plug, signal }) {
  const from = plug && plug.dst === instance.name ? plug.src : undefined;
  for await (const line of tailJsonLines(alertsFile(instance.name), signal)) {
    if (from !== undefined && line.program !== from) continue;
    // the EVE record as Suricata wrote it, with where rsyslog got it from
    try {
      yield { ...(JSON.parse(String(line.message)) as Record<string, unknown>), forwarded_by: instance.name, source: line.program };
    } catch {
      yield line;
    }
  }
}, { title: "Tail the IDS alerts rsyslog read" });
