// Hooks of nginx, the web application the lab protects.
//
// Instance: `meshroom apply` starts `nginx -g 'daemon off;'` with its own config in
// <project>/.meshroom/run/<instance>/ inside the lab's network namespace (127.0.0.1:<port>,
// "/" answers 200, anything else 404); destroy stops it; plan checks it still runs.
//
// Plug <nginx> -[events push, syslog]-> <forwarder>: the producer side adds an `access_log
// syslog:server=…` line (conf.d/syslog-<dst>.conf) pointing at the UDP input that the
// forwarder's consumer side opened for it, then reloads nginx (SIGHUP: nginx re-reads its
// config without dropping connections). Teardown removes the line and reloads again.
import { existsSync, rmSync } from "node:fs";
import {
  readInstance, readProducer, setupInstance, setupProducer, teardownInstance, teardownProducer,
  type HookExec, type HookLog,
} from "meshroom/hooks";
import {
  type DaemonSpec, logOffset, logSince, logTail, logFile, portsListening, runningPid, startAndWait, stopDaemon, stopInstance,
} from "../../lib/daemon.js";
import { ensureDir, ensureNetns, execInNetns, intSetting, NETNS, requireEndpoint, runDir, sleep, withLock, writeText } from "../../lib/lab.js";

const RELOAD_TIMEOUT_MS = 10_000;

function configFile(instance: string): string {
  return runDir(instance, "nginx.conf");
}

function daemon(instance: string): DaemonSpec {
  const conf = configFile(instance);
  return { instance, name: "nginx", cmd: "nginx", args: ["-e", logFile({ instance, name: "nginx" }), "-c", conf, "-g", "daemon off;"], marker: conf };
}

function syslogFile(instance: string, dst: string): string {
  return runDir(instance, "conf.d", `syslog-${dst}.conf`);
}

function renderConfig(instance: string, port: number): string {
  const dir = runDir(instance);
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`).join("\n");
  return `# nginx of the meshroom SOC lab (instance ${instance}); written by meshroom, do not edit.
worker_processes 1;
pid ${dir}/nginx-master.pid;
error_log ${dir}/nginx.log notice;
events { worker_connections 256; }
http {
${temp}
  access_log ${dir}/access.log combined;
  # syslog access logs, one file per events plug (written by the plug's setup hook)
  include ${dir}/conf.d/*.conf;
  server {
    listen 127.0.0.1:${port};
    location = / {
      default_type text/plain;
      return 200 "meshroom SOC lab: the protected web app\\n";
    }
    location / {
      return 404;
    }
  }
}
`;
}

async function checkConfig(exec: HookExec, instance: string): Promise<void> {
  const r = await execInNetns(exec, "nginx", ["-t", "-q", "-e", logFile({ instance, name: "nginx" }), "-c", configFile(instance)], { reject: false });
  if (r.exitCode !== 0) throw new Error(`nginx rejects its config ${configFile(instance)}:\n${r.stderr.trim()}`);
}

/** Applies `change` (a conf.d file), then SIGHUP to the master; waits until it started workers with the new config. */
async function reload(exec: HookExec, instance: string, log: HookLog, signal: AbortSignal, change: () => void): Promise<void> {
  await withLock(`nginx:${instance}`, async () => {
    change();
    const d = daemon(instance);
    const pid = runningPid(d);
    if (pid === undefined) {
      log.warn(`nginx of ${instance} is not running: its config takes effect at the next start`);
      return;
    }
    await checkConfig(exec, instance);
    const offset = logOffset(d);
    process.kill(pid, "SIGHUP");
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (/start worker process/.test(logSince(d, offset))) return;
      await sleep(100, signal);
    }
    throw new Error(`nginx did not reload within ${RELOAD_TIMEOUT_MS / 1000} s:\n${logTail(d)}`);
  });
}

setupInstance(async ({ instance, exec, log, signal }) => {
  await ensureNetns(exec, instance.name);
  const d = daemon(instance.name);
  if (await stopDaemon(d)) log.warn("stopped an nginx left over by an earlier run");
  const port = intSetting(instance.settings.port, 8080);
  ensureDir(runDir(instance.name, "tmp"));
  ensureDir(runDir(instance.name, "conf.d"));
  writeText(configFile(instance.name), renderConfig(instance.name, port));
  await checkConfig(exec, instance.name);
  const pid = await startAndWait(d, () => portsListening(exec, [`tcp:${port}`]), { timeoutMs: 15_000, signal, what: `listen on 127.0.0.1:${port}` });
  log.info(`nginx runs (pid ${pid}) on http://127.0.0.1:${port} in the network namespace ${NETNS}`);
  return { outputs: { url: `http://127.0.0.1:${port}`, netns: NETNS } };
}, { title: "Start nginx in the lab's network namespace", timeout: 60 });

teardownInstance(({ instance, exec, log }) => stopInstance(exec, log, daemon(instance.name), "nginx"), { title: "Stop nginx", timeout: 60 });

readInstance(async ({ instance }) => {
  return { exists: runningPid(daemon(instance.name)) !== undefined };
}, { title: "Check nginx runs" });

setupProducer("events", async ({ instance, plug, exec, log, signal }) => {
  const ep = requireEndpoint(plug.dst, "events", instance.name);
  const file = syslogFile(instance.name, plug.dst);
  // tag "nginx": CrowdSec's nginx parser picks syslog lines by a program name starting with nginx
  await reload(exec, instance.name, log, signal, () => writeText(file,
    `# access log to ${plug.dst} (plug ${plug.src} -[events]-> ${plug.dst}); written by meshroom\n` +
    `access_log syslog:server=${ep.host}:${ep.port},tag=nginx,severity=info combined;\n`));
  log.info(`nginx sends its access log to ${ep.host}:${ep.port}/${ep.proto} (${plug.dst})`);
  return { outputs: { syslog_server: `${ep.host}:${ep.port}`, config: file } };
}, { mode: "push", title: "Send the access log as syslog" });

teardownProducer("events", async ({ instance, plug, exec, log, signal }) => {
  const file = syslogFile(instance.name, plug.dst);
  if (!existsSync(file)) return;
  await reload(exec, instance.name, log, signal, () => rmSync(file, { force: true }));
  log.info(`nginx no longer sends its access log to ${plug.dst}`);
}, { mode: "push", title: "Stop sending the access log" });

readProducer("events", async ({ instance, plug }) => {
  const running = runningPid(daemon(instance.name)) !== undefined;
  return { exists: running && existsSync(syslogFile(instance.name, plug.dst)) };
}, { mode: "push", title: "Check the syslog access log is configured" });
