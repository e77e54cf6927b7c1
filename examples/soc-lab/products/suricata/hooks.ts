// Hooks of Suricata, the lab's network IDS (optional: see install.sh).
//
// Instance: `suricata --pcap=<interface>` in the foreground inside the lab's network namespace,
// with a config written to <project>/.meshroom/run/<instance>/suricata.yaml: the rules of
// products/suricata/local.rules (nothing is downloaded), checksum checks off (loopback traffic
// carries none), and one output, the EVE JSON file eve.json with alerts only. Setup waits for
// "Engine started." and then offers the file as the instance's `alerts` feed
// (.meshroom/run/<instance>/feeds/alerts.json); teardown stops Suricata and removes its files.
//
// Plug <suricata> -[alerts pull, eve]-> <forwarder>: Suricata has nothing to set up for a
// reader; the forwarder owns the plug (see rsyslog's hooks: an imfile input on the feed).
// `meshroom watch alerts <suricata>` tails the EVE file itself.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readInstance, setupInstance, teardownInstance, watch } from "meshroom/hooks";
import { type DaemonSpec, logFile, runningPid, startAndWait, stopDaemon, stopInstance } from "../../lib/daemon.js";
import { ensureNetns, execInNetns, NETNS, readText, runDir, writeFeed, writeText } from "../../lib/lab.js";
import { tailJsonLines } from "../../lib/tail.js";

const RULES_DIR = dirname(fileURLToPath(import.meta.url));

function configFile(instance: string): string {
  return runDir(instance, "suricata.yaml");
}

function eveFile(instance: string): string {
  return runDir(instance, "eve.json");
}

function daemon(instance: string, iface = "lo"): DaemonSpec {
  const conf = configFile(instance);
  return { instance, name: "suricata", cmd: "suricata", args: ["-c", conf, `--pcap=${iface}`, "-k", "none", "-l", runDir(instance)], marker: conf };
}

function stringSetting(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : fallback;
}

function renderConfig(instance: string, httpPorts: string): string {
  return `%YAML 1.1
---
# Suricata of the meshroom SOC lab (instance ${instance}); written by meshroom, do not edit.
vars:
  address-groups:
    HOME_NET: "[127.0.0.0/8]"
    EXTERNAL_NET: "any"
  port-groups:
    HTTP_PORTS: ${JSON.stringify(httpPorts)}
default-log-dir: ${runDir(instance)}
default-rule-path: ${RULES_DIR}
rule-files:
  - local.rules
classification-file: /etc/suricata/classification.config
reference-config-file: /etc/suricata/reference.config
stats:
  enabled: no
unix-command:
  enabled: no
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: ${eveFile(instance)}
      types:
        - alert:
            tagged-packets: no
logging:
  default-log-level: notice
  outputs:
    - console:
        enabled: yes
app-layer:
  protocols:
    http:
      enabled: yes
`;
}

setupInstance(async ({ instance, exec, log, signal }) => {
  await ensureNetns(exec, instance.name);
  const iface = stringSetting(instance.settings.interface, "lo");
  const d = daemon(instance.name, iface);
  if (await stopDaemon(d)) log.warn("stopped a Suricata left over by an earlier run");
  writeText(configFile(instance.name), renderConfig(instance.name, stringSetting(instance.settings.http_ports, "8080")));
  const test = await execInNetns(exec, "suricata", ["-T", "-c", configFile(instance.name), "-l", runDir(instance.name)], { reject: false });
  if (test.exitCode !== 0) throw new Error(`Suricata rejects its config or rules (${configFile(instance.name)}):\n${(test.stderr || test.stdout).trim()}`);
  const pid = await startAndWait(d, () => async () => /Engine started/.test(readText(logFile(d)) ?? ""), {
    timeoutMs: 60_000, signal, what: "start its engine",
  });
  writeFeed(instance.name, "alerts", { file: eveFile(instance.name), format: "eve" });
  log.info(`Suricata runs (pid ${pid}) on ${iface} in the network namespace ${NETNS}; alerts in ${eveFile(instance.name)}`);
  return { outputs: { eve_file: eveFile(instance.name), interface: iface, netns: NETNS } };
}, { title: "Start Suricata in the lab's network namespace", timeout: 90 });

teardownInstance(({ instance, exec, log }) => stopInstance(exec, log, daemon(instance.name), "Suricata"), { title: "Stop Suricata", timeout: 60 });

readInstance(async ({ instance }) => {
  return { exists: runningPid(daemon(instance.name)) !== undefined };
}, { title: "Check Suricata runs" });

watch("alerts", async function* tailAlerts({ instance, signal }) {
  for await (const event of tailJsonLines(eveFile(instance.name), signal)) {
    if (event.event_type === "alert") yield event;
  }
}, { title: "Tail Suricata's EVE alerts" });
