/**
 * Test helper: a throwaway PostgreSQL server (initdb + pg_ctl on a temp dir, listening on
 * 127.0.0.1 and a free port, unix socket in the temp dir, trust auth). When running as root
 * (initdb refuses), the server runs as the `postgres` user via `runuser`. `stop()`/`start()`
 * simulate an outage; `destroy()` stops it and removes the directory. A process exit hook
 * stops a server a crashed test left running.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../bench/free-port.js";

export interface PgTestServer {
  readonly port: number;
  readonly dir: string;
  /** postgres://meshroom@127.0.0.1:PORT/meshroom */
  readonly connectionString: string;
  start(): void;
  /** `fast`: connections are cut (a network cut for clients); `immediate`: as a crash. */
  stop(mode?: "fast" | "immediate"): void;
  destroy(): void;
}

const USER = "meshroom";

/** The directory holding initdb/pg_ctl/postgres, or undefined when PostgreSQL is not installed. */
export function findPgBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  return undefined;
}

/** Tests use this to skip locally when PostgreSQL is missing; under CI a missing server is an error. */
export function pgAvailable(): boolean {
  if (findPgBinDir()) return true;
  if (process.env.CI) throw new Error("PostgreSQL is not installed (initdb/pg_ctl not found): .ci/run installs the postgresql package");
  return false;
}

const running = new Set<PgTestServer>();
process.once("exit", () => {
  for (const s of running) s.stop("immediate");
});

export async function startPgServer(): Promise<PgTestServer> {
  const bin = findPgBinDir();
  if (!bin) throw new Error("PostgreSQL binaries not found");
  const dir = mkdtempSync(join(tmpdir(), "meshroom-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(run("id", ["-u", "postgres"]).trim());
    const gid = Number(run("id", ["-g", "postgres"]).trim());
    chownSync(dir, uid, gid);
  }
  const pgRun = (cmd: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  pgRun("initdb", ["-D", data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync", "--locale=C"]);

  let port = 0;
  const server: PgTestServer = {
    get port() {
      return port;
    },
    dir,
    get connectionString() {
      return `postgres://${USER}@127.0.0.1:${port}/postgres`;
    },
    start() {
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
      pgRun("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", opts, "start"]);
      running.add(server);
    },
    stop(mode = "fast") {
      if (!running.has(server)) return;
      running.delete(server);
      try {
        pgRun("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "30", "stop"]);
      } catch {
        // already stopped
      }
    },
    destroy() {
      server.stop("immediate");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      server.start();
      break;
    } catch (e) {
      if (attempt >= 3) {
        const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${log}`);
      }
    }
  }
  return server;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: tmpdir() });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}
