// A sandboxed CrowdSec: its own config, database, acquisition and hub items under
// <project>/.meshroom/run/<instance>/, its local API on a loopback port of the lab's namespace,
// no Central API (`online_client` is left out of the config: the lab never registers online).
//
// Rules come from the hub that the Debian package ships offline (/usr/share/crowdsec/hub):
// the instance's `collections` setting (default crowdsecurity/nginx, which pulls in the http
// scenarios) plus a few base parsers, resolved through the hub's .index.json and linked in.
import { existsSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import type { HookExec } from "meshroom/hooks";
import { type DaemonSpec, portsListening, runningPid, startAndWait, stopDaemon } from "./daemon.js";
import { ensureDir, execInNetns, readText, runDir, withLock, writeText } from "./lab.js";

export const HUB_DIR = "/usr/share/crowdsec/hub";
export const DATA_DIR = "/usr/share/crowdsec/data";
const START_TIMEOUT_MS = 60_000;

/** Parsers every lab CrowdSec needs besides its collections: syslog framing, dates, whitelists. */
export const BASE_PARSERS = ["crowdsecurity/syslog-logs", "crowdsecurity/dateparse-enrich", "crowdsecurity/whitelists"];
export const DEFAULT_COLLECTIONS = ["crowdsecurity/nginx"];

export interface CrowdsecPaths {
  etc: string;
  config: string;
  acquisDir: string;
  data: string;
}

export function crowdsecPaths(instance: string): CrowdsecPaths {
  const etc = runDir(instance, "etc");
  return { etc, config: join(etc, "config.yaml"), acquisDir: join(etc, "acquis.d"), data: runDir(instance, "data") };
}

export function crowdsecDaemon(instance: string): DaemonSpec {
  const p = crowdsecPaths(instance);
  const args = ["-c", p.config];
  // CrowdSec refuses to start its agent without a datasource: until a plug adds an acquisition,
  // only the local API runs (-no-cs).
  if (acquisitionPorts(instance).length === 0) args.push("-no-cs");
  return { instance, name: "crowdsec", cmd: "crowdsec", args, marker: p.config };
}

/** Runs cscli against this instance's config. Commands that talk to the local API need `netns`. */
export function cscli(exec: HookExec, instance: string, args: readonly string[], opts: { netns?: boolean; reject?: boolean } = {}) {
  const full = ["-c", crowdsecPaths(instance).config, ...args];
  const o = { reject: opts.reject ?? true, timeoutMs: 30_000 };
  return opts.netns ? execInNetns(exec, "cscli", full, o) : exec("cscli", full, o);
}

export function lapiUrl(instance: string): string {
  const text = readText(runDir(instance, "lapi.json"));
  if (text === undefined) throw new Error(`CrowdSec ${instance} has no local API yet (no ${runDir(instance, "lapi.json")}): run \`meshroom apply\``);
  return (JSON.parse(text) as { url: string }).url;
}

// ── hub items ────────────────────────────────────────────────────────────────────────────────

interface HubIndexItem {
  path: string;
  stage?: string;
  parsers?: string[];
  scenarios?: string[];
  collections?: string[];
  postoverflows?: string[];
}
type HubType = "parsers" | "scenarios" | "collections" | "postoverflows";
type HubIndex = Record<HubType, Record<string, HubIndexItem>>;

/** Hub items (type, name) for the collections, dependencies first resolved recursively. */
export function resolveHubItems(collections: readonly string[]): Array<{ type: HubType; name: string; item: HubIndexItem }> {
  const indexFile = join(HUB_DIR, ".index.json");
  if (!existsSync(indexFile)) throw new Error(`${indexFile} is missing: install crowdsec first (examples/soc-lab/install.sh)`);
  const index = JSON.parse(readFileSync(indexFile, "utf8")) as HubIndex;
  const out = new Map<string, { type: HubType; name: string; item: HubIndexItem }>();
  const add = (type: HubType, name: string) => {
    const key = `${type}/${name}`;
    if (out.has(key)) return;
    const item = index[type]?.[name];
    if (!item) throw new Error(`the offline CrowdSec hub (${HUB_DIR}) has no ${type.slice(0, -1)} ${name}`);
    out.set(key, { type, name, item });
    for (const t of ["parsers", "scenarios", "postoverflows", "collections"] as const) for (const dep of item[t] ?? []) add(t, dep);
  };
  for (const p of BASE_PARSERS) add("parsers", p);
  for (const c of collections) add("collections", c);
  return [...out.values()];
}

/** Writes the sandbox: config, profiles, empty acquisition, hub items and data files linked in. */
export function writeCrowdsecSandbox(instance: string, opts: { lapiPort: number; collections: readonly string[]; banDuration: string }): void {
  const p = crowdsecPaths(instance);
  ensureDir(p.acquisDir);
  ensureDir(p.data);
  writeText(p.config, renderConfig(instance, opts.lapiPort));
  writeText(join(p.etc, "simulation.yaml"), "simulation: off\nexclusions: []\n");
  writeText(join(p.etc, "profiles.yaml"), [
    "# meshroom SOC lab: every IP-scoped alert with a remediation becomes a ban",
    "name: default_ip_remediation",
    "filters:",
    ' - Alert.Remediation == true && Alert.GetScope() == "Ip"',
    "decisions:",
    " - type: ban",
    `   duration: ${opts.banDuration}`,
    "on_success: break",
    "",
  ].join("\n"));
  writeText(join(p.etc, "acquis.yaml"), "# acquisitions are written by meshroom plug hooks into acquis.d/\n");
  link("/etc/crowdsec/patterns", join(p.etc, "patterns"));
  for (const { type, item } of resolveHubItems(opts.collections)) {
    const dir = type === "parsers" || type === "postoverflows" ? join(p.etc, type, item.stage ?? "s01-parse") : join(p.etc, type);
    link(join(HUB_DIR, item.path), join(ensureDir(dir), basename(item.path)));
  }
  for (const f of readdirSync(DATA_DIR)) link(join(DATA_DIR, f), join(p.data, f));
  // the hub's path-traversal scenario asks for the file under another name than Debian ships it
  if (existsSync(join(DATA_DIR, "path_traversal.txt"))) link(join(DATA_DIR, "path_traversal.txt"), join(p.data, "http_path_traversal.txt"));
}

function link(target: string, path: string): void {
  if (!existsSync(path)) symlinkSync(target, path);
}

function renderConfig(instance: string, lapiPort: number): string {
  const p = crowdsecPaths(instance);
  return `# CrowdSec of the meshroom SOC lab (instance ${instance}); written by meshroom, do not edit.
# No online_client: this CrowdSec never talks to the Central API.
common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: ${runDir(instance)}
config_paths:
  config_dir: ${p.etc}/
  data_dir: ${p.data}/
  simulation_path: ${p.etc}/simulation.yaml
  hub_dir: ${HUB_DIR}/
  index_path: ${HUB_DIR}/.index.json
  notification_dir: ${p.etc}/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: ${p.etc}/acquis.yaml
  acquisition_dir: ${p.acquisDir}
  parser_routines: 1
cscli:
  output: human
  color: false
db_config:
  log_level: info
  type: sqlite
  db_path: ${p.data}/crowdsec.db
  use_wal: true
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${p.etc}/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: 127.0.0.1:${lapiPort}
    profiles_path: ${p.etc}/profiles.yaml
    trusted_ips:
      - 127.0.0.1
      - ::1
prometheus:
  enabled: false
`;
}

// ── acquisitions ─────────────────────────────────────────────────────────────────────────────

export function acquisitionFile(instance: string, source: string): string {
  return join(crowdsecPaths(instance).acquisDir, `${source}.yaml`);
}

export function renderSyslogAcquisition(source: string, port: number): string {
  return `# syslog from ${source}, written by meshroom (plug ${source} -[events]-> this CrowdSec)
source: syslog
listen_addr: 127.0.0.1
listen_port: ${port}
labels:
  type: syslog
`;
}

/** The UDP ports of the syslog acquisitions in acquis.d. */
export function acquisitionPorts(instance: string): number[] {
  const dir = crowdsecPaths(instance).acquisDir;
  if (!existsSync(dir)) return [];
  const ports: number[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^listen_port:\s*(\d+)/m.exec(readText(join(dir, f)) ?? "");
    if (m) ports.push(Number(m[1]));
  }
  return ports;
}

// ── start / stop ─────────────────────────────────────────────────────────────────────────────

/**
 * Applies `change` (acquisition files), then (re)starts CrowdSec and waits for its local API and
 * every syslog acquisition port. One at a time per instance (bouncers also wait for this lock).
 * `onlyIfRunning`: teardowns change the files but do not start a stopped CrowdSec.
 */
export async function restartCrowdsec(
  exec: HookExec, instance: string, signal: AbortSignal, change: () => void = () => undefined, opts: { onlyIfRunning?: boolean } = {},
): Promise<number | undefined> {
  return withLock(`crowdsec:${instance}`, async () => {
    change();
    if (opts.onlyIfRunning && crowdsecPid(instance) === undefined) return undefined;
    const d = crowdsecDaemon(instance);
    await stopDaemon(d);
    const lapi = JSON.parse(readText(runDir(instance, "lapi.json")) ?? "{}") as { port?: number };
    const ports = [`tcp:${lapi.port}`, ...acquisitionPorts(instance).map((p) => `udp:${p}`)];
    return startAndWait(d, () => portsListening(exec, ports), { timeoutMs: START_TIMEOUT_MS, signal, what: `listen on ${ports.join(", ")}` });
  });
}

export function crowdsecPid(instance: string): number | undefined {
  return runningPid(crowdsecDaemon(instance));
}
