// Instance hooks of CrowdSec: `meshroom apply` writes a sandboxed CrowdSec (config, database,
// hub items from the offline hub) under <project>/.meshroom/run/<instance>/, registers its
// agent as a machine of its own local API and starts `crowdsec` in the foreground inside the
// lab's network namespace; destroy stops it and removes the sandbox (logs stay); plan checks it
// still runs. Until a plug adds a syslog acquisition, only the local API runs (-no-cs).
import { existsSync } from "node:fs";
import { readInstance, setupInstance, teardownInstance } from "meshroom/hooks";
import {
  crowdsecDaemon, crowdsecPaths, crowdsecPid, cscli, DEFAULT_COLLECTIONS, restartCrowdsec, writeCrowdsecSandbox,
} from "../../lib/crowdsec.js";
import { stopDaemon, stopInstance } from "../../lib/daemon.js";
import { ensureNetns, intSetting, NETNS, runDir, writeText } from "../../lib/lab.js";

setupInstance(async ({ instance, exec, log, signal }) => {
  if (!existsSync("/usr/bin/crowdsec")) throw new Error("crowdsec is not installed: run examples/soc-lab/install.sh (as root)");
  await ensureNetns(exec, instance.name);
  if (await stopDaemon(crowdsecDaemon(instance.name))) log.warn("stopped a CrowdSec left over by an earlier run");
  const port = intSetting(instance.settings.lapi_port, 8081);
  const url = `http://127.0.0.1:${port}`;
  const collections = Array.isArray(instance.settings.collections) && instance.settings.collections.every((c) => typeof c === "string")
    ? (instance.settings.collections as string[])
    : DEFAULT_COLLECTIONS;
  const banDuration = typeof instance.settings.ban_duration === "string" && /^\d+[smh]$/.test(instance.settings.ban_duration)
    ? instance.settings.ban_duration
    : "10m";
  writeCrowdsecSandbox(instance.name, { lapiPort: port, collections, banDuration });
  writeText(runDir(instance.name, "lapi.json"), JSON.stringify({ port, url }) + "\n");
  // The agent logs in to the local API as a machine; cscli writes its credentials (database only).
  const creds = `${crowdsecPaths(instance.name).etc}/local_api_credentials.yaml`;
  await cscli(exec, instance.name, ["machines", "add", `meshroom-${instance.name}`, "--auto", "--force", "-f", creds, "--url", url]);
  const pid = await restartCrowdsec(exec, instance.name, signal);
  log.info(`CrowdSec runs (pid ${pid}), local API on ${url} in the network namespace ${NETNS}; collections: ${collections.join(", ")}`);
  return { outputs: { lapi_url: url, config: crowdsecPaths(instance.name).config, netns: NETNS } };
}, { title: "Start CrowdSec in the lab's network namespace", timeout: 120 });

teardownInstance(({ instance, exec, log }) => stopInstance(exec, log, crowdsecDaemon(instance.name), "CrowdSec"), { title: "Stop CrowdSec", timeout: 60 });

readInstance(async ({ instance }) => {
  return { exists: crowdsecPid(instance.name) !== undefined };
}, { title: "Check CrowdSec runs" });
