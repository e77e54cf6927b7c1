/**
 * Throwaway nats-server processes with JetStream on loopback ports and temp
 * storage directories (never the system service). One server, or a cluster with routes between
 * its nodes. `kill9()` and `restart()` simulate a crash and a recovery; `destroy()` stops it and
 * removes its storage. A process exit hook kills servers a crashed run left running. Used by the
 * intake bench and the JetStream tests (test/intake).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface NatsNode {
  /** The server name (`-n`): n0, n1, … */
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  kill9(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface NatsTestCluster {
  readonly nodes: NatsNode[];
  /** nats://127.0.0.1:P1,127.0.0.1:P2,… */
  readonly url: string;
  destroy(): Promise<void>;
}

export function natsServerBin(): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"]) {
    if (dir && existsSync(join(dir, "nats-server"))) return join(dir, "nats-server");
  }
  return undefined;
}

/** Tests use this to skip locally when nats-server is missing; under CI a missing server is an error. */
export function natsAvailable(): boolean {
  if (natsServerBin()) return true;
  if (process.env.CI) throw new Error("nats-server is not installed: .ci/run installs the nats-server package");
  return false;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/**
 * One JetStream server (`size` 1) or a cluster of `size` nodes with routes between them.
 * `up` nodes are started (all by default); the others wait for their `restart()`, as the nodes
 * of a cluster coming up one by one do.
 */
export async function startNats(size = 1, extraArgs: string[] = [], opts: { up?: number } = {}): Promise<NatsTestCluster> {
  const bin = natsServerBin();
  if (!bin) throw new Error("nats-server is not installed (apt-get install nats-server)");
  const root = mkdtempSync(join(tmpdir(), "meshroom-nats-"));
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const clusterPorts = size > 1 ? await Promise.all(Array.from({ length: size }, () => freePort())) : [];
  const nodes = ports.map((port, i) => {
    const args = ["-js", "-sd", join(root, `n${i}`), "-a", "127.0.0.1", "-p", String(port), "-n", `n${i}`, ...extraArgs];
    if (size > 1) {
      const routes = clusterPorts.filter((_, j) => j !== i).map((p) => `nats://127.0.0.1:${p}`).join(",");
      args.push("--cluster_name", "meshroom-test", "--cluster", `nats://127.0.0.1:${clusterPorts[i]}`, "--routes", routes);
    }
    return node(bin, args, port, `n${i}`);
  });
  await Promise.all(nodes.slice(0, opts.up ?? size).map((n) => n.restart()));
  return {
    nodes,
    url: `nats://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    destroy: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function node(bin: string, args: string[], port: number, name: string): NatsNode {
  let child: ChildProcess | undefined;
  return {
    name,
    port,
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    kill9() {
      child?.kill("SIGKILL");
    },
    async restart() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const c = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
      child = c;
      live.add(c);
      c.once("exit", () => live.delete(c));
      let log = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nats-server on ${port} did not start:\n${log}`)), 20_000);
        c.stderr?.on("data", (d: Buffer) => {
          log += d.toString();
          if (log.includes("Server is ready")) {
            clearTimeout(timer);
            resolve();
          }
        });
        c.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`nats-server on ${port} exited with ${code}:\n${log}`));
        });
      });
      c.stderr?.removeAllListeners("data");
      c.stderr?.resume();
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill("SIGTERM");
      const t = setTimeout(() => c.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(t);
    },
  };
}

/** True when the nats-server binary answers --version (used in skip reasons). */
export function natsVersion(): string | undefined {
  const bin = natsServerBin();
  if (!bin) return undefined;
  return spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
}
