// Plug <src> -[events push, syslog]-> <crowdsec> (consumer side): a syslog acquisition on a
// UDP port of 127.0.0.1 for that producer (etc/acquis.d/<src>.yaml), announced to the producer
// side through the endpoint file; CrowdSec is restarted to load it. Teardown removes it and
// restarts CrowdSec (local API only when no acquisition is left).
import { existsSync, rmSync } from "node:fs";
import { readConsumer, setupConsumer, teardownConsumer } from "meshroom/hooks";
import { acquisitionFile, crowdsecPid, renderSyslogAcquisition, restartCrowdsec } from "../../lib/crowdsec.js";
import { intSetting, pickPort, removeEndpoint, writeEndpoint, writeText } from "../../lib/lab.js";

setupConsumer("events", async ({ instance, plug, exec, log, signal }) => {
  const file = acquisitionFile(instance.name, plug.src);
  let port = 0;
  await restartCrowdsec(exec, instance.name, signal, () => {
    port = pickPort(instance.name, "events", plug.src, intSetting(instance.settings.syslog_port, 5515));
    writeText(file, renderSyslogAcquisition(plug.src, port));
    writeEndpoint(instance.name, "events", plug.src, { host: "127.0.0.1", port, proto: "udp" });
  });
  log.info(`CrowdSec reads syslog from ${plug.src} on 127.0.0.1:${port}/udp (${file})`);
  return { outputs: { port, acquisition: file } };
}, { mode: "push", title: "Add a syslog acquisition", timeout: 120 });

teardownConsumer("events", async ({ instance, plug, exec, log, signal }) => {
  await restartCrowdsec(exec, instance.name, signal, () => {
    rmSync(acquisitionFile(instance.name, plug.src), { force: true });
    removeEndpoint(instance.name, "events", plug.src);
  }, { onlyIfRunning: true });
  log.info(`removed the acquisition of ${plug.src}`);
}, { mode: "push", title: "Remove the syslog acquisition", timeout: 120 });

readConsumer("events", async ({ instance, plug }) => {
  const running = crowdsecPid(instance.name) !== undefined;
  return { exists: running && existsSync(acquisitionFile(instance.name, plug.src)) };
}, { mode: "push", title: "Check the syslog acquisition" });
