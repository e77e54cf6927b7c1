// Plug <crowdsec> -[deny pull]-> <this firewall> (executor side): the bouncer.
//
// Setup adds to the firewall's table the sets deny_<src>/deny6_<src> and a base chain
// from_<src> that drops their members, writes a crowdsec-custom-bouncer config (the local API
// of <src> and the API key that CrowdSec's side of the plug created, plug secret `api_key`;
// file mode 0600) with a small script that adds/removes set members, and starts the bouncer in
// the lab's network namespace; it is ready once it pulled the decisions stream. Teardown stops
// it and removes chain, sets and files; read reports drift when the bouncer or the set is gone.
//
// `meshroom execute deny <crowdsec> <firewall> -p address=…` puts an address straight into the
// plug's set (no CrowdSec decision); `meshroom watch deny <crowdsec> <firewall>` prints what the
// firewall blocks, each address once (again if it left the set and came back).
import { rmSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { execute, readExecutor, setupExecutor, teardownExecutor, watch } from "meshroom/hooks";
import { lapiUrl } from "../../lib/crowdsec.js";
import { type DaemonSpec, logOffset, logSince, runningPid, startAndWait, stopDaemon } from "../../lib/daemon.js";
import { execInNetns, runDir, sleep, withLock, writeText } from "../../lib/lab.js";
import { denyObjects, listSets, nftScript, setElements, setExists, tableExists, tableName } from "../../lib/nft.js";

const FIRST_PULL_TIMEOUT_MS = 30_000;
const WATCH_POLL_MS = 500;

const bouncerDir = (instance: string, src: string) => runDir(instance, `bouncer-${src}`);

function bouncerDaemon(instance: string, src: string): DaemonSpec {
  const config = join(bouncerDir(instance, src), "bouncer.yaml");
  return { instance, name: `bouncer-${src}`, cmd: "crowdsec-custom-bouncer", args: ["-c", config], marker: config };
}

function renderScript(instance: string, src: string): string {
  const o = denyObjects(instance, src);
  return `#!/bin/sh
# Called by crowdsec-custom-bouncer for each decision: add|del VALUE DURATION_SECONDS REASON JSON.
# Written by meshroom (plug ${src} -[deny]-> ${instance}); runs inside the lab's network namespace.
case "$2" in
  ""|*[!0-9A-Fa-f:.]*) echo "ignored decision value: $2" >&2; exit 0 ;;
  *:*) set=${o.set6} ;;
  *) set=${o.set4} ;;
esac
case "$1" in
  add)
    case "$3" in ""|*[!0-9]*|0) timeout="" ;; *) timeout=" timeout $3s" ;; esac
    exec nft add element inet ${o.table} "$set" "{ $2$timeout }" ;;
  del)
    nft delete element inet ${o.table} "$set" "{ $2 }" 2>/dev/null || true ;;
esac
`;
}

function renderConfig(instance: string, src: string, url: string, key: string): string {
  const dir = bouncerDir(instance, src);
  return `# crowdsec-custom-bouncer of the meshroom SOC lab (plug ${src} -[deny]-> ${instance}); written by meshroom.
bin_path: ${dir}/nft-deny.sh
feed_via_stdin: false
total_retries: 0
scenarios_containing: []
scenarios_not_containing: []
origins: []
piddir: ${dir}/
update_frequency: 1s
cache_retention_duration: 10s
daemonize: false
log_mode: stdout
log_level: info
api_url: ${url}/
api_key: ${key}
prometheus:
  enabled: false
`;
}

setupExecutor("deny", async ({ instance, plug, exec, log, signal }) => {
  const key = await plug.getSecret("api_key");
  if (key === undefined || key === "") throw new Error(`${plug.src} did not hand over a bouncer API key (plug secret \`api_key\`)`);
  const url = lapiUrl(plug.src);
  const o = denyObjects(instance.name, plug.src);
  if (!(await tableExists(exec, o.table))) throw new Error(`the table inet ${o.table} is missing: run \`meshroom apply\` to create the firewall`);
  await nftScript(exec, [
    `add set inet ${o.table} ${o.set4} { type ipv4_addr; flags timeout; }`,
    `add set inet ${o.table} ${o.set6} { type ipv6_addr; flags timeout; }`,
    `add chain inet ${o.table} ${o.chain} { type filter hook input priority -10; policy accept; }`,
    `flush chain inet ${o.table} ${o.chain}`,
    `add rule inet ${o.table} ${o.chain} ip saddr @${o.set4} drop`,
    `add rule inet ${o.table} ${o.chain} ip6 saddr @${o.set6} drop`,
    "",
  ].join("\n"));
  const dir = bouncerDir(instance.name, plug.src);
  writeText(join(dir, "nft-deny.sh"), renderScript(instance.name, plug.src), 0o755);
  writeText(join(dir, "bouncer.yaml"), renderConfig(instance.name, plug.src, url, key), 0o600);
  const d = bouncerDaemon(instance.name, plug.src);
  if (await stopDaemon(d)) log.info("stopped the previous bouncer");
  // not while CrowdSec restarts (the bouncer gives up when the local API does not answer at start)
  const pid = await withLock(`crowdsec:${plug.src}`, async () => {
    const offset = logOffset(d);
    return startAndWait(d, () => async () => /adding '\d+' decisions/.test(logSince(d, offset)), {
      timeoutMs: FIRST_PULL_TIMEOUT_MS, signal, what: "its first pull of the decisions stream",
    });
  });
  log.info(`the bouncer (pid ${pid}) pulls ${url} every second into inet ${o.table} ${o.set4}/${o.set6}`);
  return { outputs: { table: `inet ${o.table}`, set: o.set4, set6: o.set6, chain: o.chain, lapi_url: url } };
}, { mode: "pull", title: "Add the blocklist set and start the bouncer", timeout: 90 });

teardownExecutor("deny", async ({ instance, plug, exec, log }) => {
  if (await stopDaemon(bouncerDaemon(instance.name, plug.src))) log.info("stopped the bouncer");
  const o = denyObjects(instance.name, plug.src);
  if (await tableExists(exec, o.table)) {
    await execInNetns(exec, "nft", ["delete", "chain", "inet", o.table, o.chain], { reject: false });
    for (const set of [o.set4, o.set6]) await execInNetns(exec, "nft", ["delete", "set", "inet", o.table, set], { reject: false });
    if (await setExists(exec, o.table, o.set4)) throw new Error(`could not delete the set inet ${o.table} ${o.set4}`);
    log.info(`removed the chain ${o.chain} and the sets ${o.set4}/${o.set6}`);
  }
  rmSync(bouncerDir(instance.name, plug.src), { recursive: true, force: true });
}, { mode: "pull", title: "Stop the bouncer and remove the blocklist set", timeout: 60 });

readExecutor("deny", async ({ instance, plug, exec }) => {
  const o = denyObjects(instance.name, plug.src);
  const running = runningPid(bouncerDaemon(instance.name, plug.src)) !== undefined;
  return { exists: running && (await setExists(exec, o.table, o.set4)) };
}, { mode: "pull", title: "Check the bouncer runs and the set exists" });

execute("deny", async ({ instance, plug, params, exec }) => {
  if (!plug) throw new Error(`say which deny plug: meshroom execute deny <crowdsec instance> ${instance.name} -p address=…`);
  const address = typeof params.address === "string" ? params.address.trim() : "";
  const family = isIP(address);
  if (family === 0) throw new Error(`deny needs an IP address: -p address=203.0.113.7 (got ${JSON.stringify(params.address ?? null)})`);
  const duration = typeof params.duration === "string" && /^\d+[smh]$/.test(params.duration) ? params.duration : "1h";
  const o = denyObjects(instance.name, plug.src);
  const set = family === 4 ? o.set4 : o.set6;
  await execInNetns(exec, "nft", ["add", "element", "inet", o.table, set, `{ ${address} timeout ${duration} }`]);
  return { blocked: address, set: `inet ${o.table} ${set}`, duration };
}, { mode: "pull", title: "Add an address to the blocklist set" });

watch("deny", async function* blocked({ instance, plug, exec, signal }) {
  const table = tableName(instance.name);
  const seen = new Set<string>();
  while (!signal.aborted) {
    const sets = plug ? [denyObjects(instance.name, plug.src).set4, denyObjects(instance.name, plug.src).set6] : await listSets(exec, table, "deny");
    const now = new Set<string>();
    for (const set of sets) {
      for (const el of await setElements(exec, table, set)) {
        const id = `${set}/${el.address}`;
        now.add(id);
        if (!seen.has(id)) yield { ...el, set: `inet ${table} ${set}` };
      }
    }
    seen.clear();
    for (const id of now) seen.add(id);
    try {
      await sleep(WATCH_POLL_MS, signal);
    } catch {
      return;
    }
  }
}, { title: "What the firewall blocks" });
