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
import { existsSync, rmSync } from "node:fs";
import {
  readConsumer, readInstance, readProducer, setupConsumer, setupInstance, setupProducer,
  teardownConsumer, teardownInstance, teardownProducer, watch, type HookExec,
} from "meshroom/hooks";
import { type DaemonSpec, portsListening, runningPid, startAndWait, stopDaemon } from "../../lib/daemon.js";
import {
  clearRunDir, ensureDir, ensureNetns, intSetting, NETNS, pickPort, releaseNetns, removeEndpoint, requireEndpoint,
  runDir, usedEndpointPorts, withLock, writeEndpoint, writeText,
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
  return { instance, name: "rsyslog", cmd: "rsyslogd", args: ["-n", "-f", conf, "-i", runDir(instance, "rsyslogd.pid")], marker: conf };
}

const inputFile = (instance: string, src: string) => runDir(instance, "conf.d", `in-${src}.conf`);
const outputFile = (instance: string, dst: string) => runDir(instance, "conf.d", `out-${dst}.conf`);

function renderConfig(instance: string, withInputs: boolean): string {
  const dir = runDir(instance);
  return `# rsyslog of the meshroom SOC lab (instance ${instance}); written by meshroom, do not edit.
global(workDirectory="${dir}/work" maxMessageSize="16k")
${withInputs ? 'module(load="imudp")' : "# no inputs yet: imudp is loaded once a plug adds one"}
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

teardownInstance(async ({ instance, exec, log }) => {
  const stopped = await stopDaemon(daemon(instance.name));
  log.info(stopped ? "stopped rsyslog" : "rsyslog was not running");
  clearRunDir(instance.name);
  if (await releaseNetns(exec, instance.name)) log.info(`deleted the network namespace ${NETNS}`);
}, { title: "Stop rsyslog", timeout: 60 });

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
