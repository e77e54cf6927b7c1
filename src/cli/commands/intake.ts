// `meshroom intake serve|dlq|reprocess`: runs the MozDef-style event intake, shows its DLQ and replays it.
import type { Command } from "commander";
import { resolve } from "node:path";
import { z } from "zod";
import { MeshroomError } from "../../errors/index.js";
import type { CliContext } from "../context.js";
import { renderTable } from "../views/table.js";
import { terminalSafeJson } from "../../util/terminal-safe.js";
// the intake itself (ajv, node:http) loads only when an intake command runs: keeps CLI start-up fast
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_BODY,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from "../../intake/defaults.js";

const _intake = (): Promise<typeof import("../../intake/index.js")> => import("../../intake/index.js");

const SERVE_HELP = `
Data in DIR: spool.jsonl (the queue), dlq.jsonl (rejected events), sources.json
(token hashes only), counters.json. The admin token comes from --admin-token-file,
else $MESHROOM_INTAKE_ADMIN_TOKEN, else DIR/admin.token (generated on first start).
Once listening it prints one JSON line {"port","pid","host","admin_port",...} on
stdout (and writes it to --ready-file); SIGTERM/SIGINT stop it gracefully.

With --queue nats://HOST:PORT[,HOST:PORT…] the events, dead letters, sources and
counters live in NATS JetStream (stream --stream, default MESHROOM_INTAKE; add
?replicas=3 to create it replicated), shared by every intake on that stream; DIR
then only holds the lock, server.json and the admin token (a private temp
directory when --dir is not given). NATS credentials: --nats-auth-file (a .creds
file, or JSON {"token"} / {"user","password"}), else $MESHROOM_INTAKE_NATS_AUTH_FILE,
$MESHROOM_INTAKE_NATS_TOKEN, $MESHROOM_INTAKE_NATS_USER + $MESHROOM_INTAKE_NATS_PASSWORD;
never in the URL. --workers N runs N server processes on one port (needs --queue).`;

const QueueFlags = {
  queue: z.string().min(1).optional(),
  stream: z.string().min(1).optional(),
  natsAuthFile: z.string().min(1).optional(),
};

const ServeFlags = z.object({
  dir: z.string().min(1).optional(),
  ...QueueFlags,
  workers: z.coerce.number().int().min(1).max(256),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  adminPort: z.coerce.number().int().min(0).max(65535),
  adminTokenFile: z.string().optional(),
  maxBody: z.coerce.number().int().positive(),
  headersTimeout: z.coerce.number().int().positive(),
  requestTimeout: z.coerce.number().int().positive(),
  keepAliveTimeout: z.coerce.number().int().positive(),
  maxConnections: z.coerce.number().int().positive(),
  readyFile: z.string().optional(),
});

export function register(program: Command, ctx: CliContext): void {
  const intake = program.command("intake").description("the MozDef-style event intake service (HTTP, durable queue, dead-letter queue)");

  intake
    .command("serve")
    .description("run the intake service until SIGTERM/SIGINT")
    .option("--dir <dir>", "data directory (created if missing); required unless --queue is given")
    .option("--queue <url>", "keep the queue in NATS JetStream: nats://HOST:PORT[,HOST:PORT…][?replicas=3] (default: files in --dir)")
    .option("--stream <name>", "JetStream stream name (with --queue nats://…)")
    .option("--nats-auth-file <file>", "NATS credentials: a .creds file, or JSON {\"token\"} / {\"user\",\"password\"}")
    .option("--workers <n>", "server processes sharing the port (needs --queue)", "1")
    .option("--port <n>", "public port (0 = a free port)", "0")
    .option("--host <addr>", "public bind address", "127.0.0.1")
    .option("--admin-port <n>", "admin listener port on 127.0.0.1, used only when --host is not loopback (0 = free)", "0")
    .option("--admin-token-file <file>", "file holding the admin token")
    .option("--max-body <bytes>", "largest request body accepted", String(DEFAULT_MAX_BODY))
    .option("--headers-timeout <ms>", "a request's head must arrive within this", String(DEFAULT_HEADERS_TIMEOUT_MS))
    .option("--request-timeout <ms>", "a whole request, body included, must arrive within this (else 408, connection closed)", String(DEFAULT_REQUEST_TIMEOUT_MS))
    .option("--keep-alive-timeout <ms>", "an idle keep-alive connection is closed after this", String(DEFAULT_KEEP_ALIVE_TIMEOUT_MS))
    .option("--max-connections <n>", "open connections per listener; more are closed at once", String(DEFAULT_MAX_CONNECTIONS))
    .option("--ready-file <file>", "write the ready JSON here once listening")
    .addHelpText("after", SERVE_HELP)
    .action(async (raw: Record<string, unknown>) => {
      const o = _flags(ServeFlags, raw);
      const dir = await _serveDir(o.dir, o.queue);
      const { resolveAdminToken, startIntakeServer, startWorkerPool, writeFileAtomic } = await _intake();
      const admin = await resolveAdminToken({ dir, file: o.adminTokenFile, env: ctx.io.env, create: true });
      const start = o.workers > 1 ? (x: Parameters<typeof startIntakeServer>[0]) => startWorkerPool({ ...x, workers: o.workers, onRestart: (pid, code, sig) => ctx.err(`meshroom intake: worker ${pid ?? "?"} exited (code ${code}, signal ${sig}); starting another`) }) : startIntakeServer;
      const server = await start({
        dir,
        queue: o.queue,
        queueOptions: { env: ctx.io.env, authFile: o.natsAuthFile, stream: o.stream },
        port: o.port,
        host: o.host,
        adminPort: o.adminPort,
        adminToken: admin.token,
        adminTokenFile: admin.file,
        maxBody: o.maxBody,
        limits: {
          headersTimeoutMs: o.headersTimeout,
          requestTimeoutMs: o.requestTimeout,
          keepAliveTimeoutMs: o.keepAliveTimeout,
          maxConnections: o.maxConnections,
        },
      });
      const ready = {
        port: server.port,
        pid: process.pid,
        host: server.host,
        admin_host: server.adminHost,
        admin_port: server.adminPort,
        dir,
        ...(o.queue ? { queue: o.queue } : {}),
        ...(o.workers > 1 ? { workers: o.workers } : {}),
        ...(admin.file ? { admin_token_file: admin.file } : {}),
      };
      if (o.readyFile) await writeFileAtomic(resolve(o.readyFile), JSON.stringify(ready) + "\n", 0o644);
      ctx.out(JSON.stringify(ready));
      if (server.recoveredBytes > 0) ctx.err(`meshroom intake: cut ${server.recoveredBytes} bytes of a torn last line while recovering ${dir}`);
      const signal = await _untilSignal();
      ctx.err(`meshroom intake: ${signal} received, finishing in-flight requests`);
      await server.close();
      ctx.err("meshroom intake: stopped");
    });

  intake
    .command("dlq")
    .description("list the dead-letter queue: each rejected event with its source, time, attempts and reason")
    .option("--dir <dir>", "data directory of the intake (or --queue)")
    .option("--queue <url>", "read the JetStream queue directly: nats://HOST:PORT[,…]")
    .option("--stream <name>", "JetStream stream name (with --queue)")
    .option("--nats-auth-file <file>", "NATS credentials file (with --queue)")
    .option("--source <name>", "only this source's dead letters")
    .option("--limit <n>", "at most this many, oldest first (1-1000)", "100")
    .option("--admin-token-file <file>", "admin token of the running server (when one owns DIR)")
    .option("--json", "print the entries as JSON, raw events included")
    .addHelpText("after", "\nWhen a server runs on DIR it answers (GET /admin/dlq); otherwise DIR is locked and read offline.")
    .action(async (o: { dir?: string; queue?: string; stream?: string; natsAuthFile?: string; source?: string; limit: string; adminTokenFile?: string; json?: boolean }) => {
      const { limit } = _flags(z.object({ limit: z.coerce.number().int().min(1).max(1000) }), { limit: o.limit });
      const { listDeadLetters } = await _intake();
      const r = await listDeadLetters({ ..._target(o, ctx.io.env), source: o.source, limit, adminTokenFile: o.adminTokenFile, env: ctx.io.env });
      if (o.json) return ctx.out(terminalSafeJson(JSON.stringify(r, null, 2)));
      const of = o.source === undefined ? "" : ` of source ${o.source}`;
      if (r.total === 0) return ctx.out(`The dead-letter queue${of} is empty (${r.via}).`);
      const firstLine = (s: string) => (s.split("\n")[0] ?? "").slice(0, 120);
      ctx.out(renderTable(["id", "source", "received", "attempts", "reason"], r.entries.map((e) => [e.id, e.source, e.received_at, String(e.attempts), firstLine(e.reason)])));
      ctx.out(`${r.entries.length} of ${r.total} dead letter${r.total === 1 ? "" : "s"}${of} (${r.via}). After fixing the source's schema: meshroom intake reprocess ${o.queue ? `--queue ${o.queue}${o.stream ? ` --stream ${o.stream}` : ""}` : `--dir ${o.dir ?? ""}`}`);
    });

  intake
    .command("reprocess")
    .description("replay the dead-letter queue against the current source schemas; fixed events move to the queue")
    .option("--dir <dir>", "data directory of the intake (or --queue)")
    .option("--queue <url>", "reprocess the JetStream queue directly: nats://HOST:PORT[,…]")
    .option("--stream <name>", "JetStream stream name (with --queue)")
    .option("--nats-auth-file <file>", "NATS credentials file (with --queue)")
    .option("--source <name>", "only this source's dead letters")
    .option("--admin-token-file <file>", "admin token of the running server (when one owns DIR)")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nWhen a server runs on DIR the work is done by it (POST /admin/reprocess); otherwise DIR is locked and reprocessed offline.")
    .action(async (o: { dir?: string; queue?: string; stream?: string; natsAuthFile?: string; source?: string; adminTokenFile?: string; json?: boolean }) => {
      const { reprocessDir } = await _intake();
      const r = await reprocessDir({ ..._target(o, ctx.io.env), source: o.source, adminTokenFile: o.adminTokenFile, env: ctx.io.env });
      if (o.json) return ctx.out(JSON.stringify(r));
      ctx.out(`Reprocessed ${r.examined} dead letter${r.examined === 1 ? "" : "s"} (${r.via}): ${r.moved} moved to the queue, ${r.remaining} still in the DLQ.`);
      if (r.orphaned > 0) ctx.out(`${r.orphaned} belong to sources that no longer exist and were left in the DLQ.`);
    });
}

/** Where `dlq`/`reprocess` look: a data directory (its server, else its files) or a shared queue, read directly. */
function _target(o: { dir?: string; queue?: string; stream?: string; natsAuthFile?: string }, env: NodeJS.ProcessEnv): { dir: string; queue?: string; queueOptions?: { env: NodeJS.ProcessEnv; authFile?: string; stream?: string } } {
  if (o.queue !== undefined) {
    if (/^file:/i.test(o.queue)) throw new MeshroomError("E_USAGE", "--queue file://… is read through its data directory: pass --dir instead");
    return { dir: o.dir === undefined ? "" : resolve(o.dir), queue: o.queue, queueOptions: { env, authFile: o.natsAuthFile, stream: o.stream } };
  }
  if (o.dir === undefined) throw new MeshroomError("E_USAGE", "pass --dir (the intake's data directory) or --queue (a shared JetStream queue)");
  return { dir: resolve(o.dir) };
}

/** `serve`'s data directory: --dir, or with --queue and no --dir a private temp directory (lock, server.json, admin token). */
async function _serveDir(dir: string | undefined, queue: string | undefined): Promise<string> {
  if (dir !== undefined) return resolve(dir);
  if (queue === undefined || /^file:/i.test(queue)) throw new MeshroomError("E_USAGE", "pass --dir: the data directory that holds the queue", { detail: "Or keep the queue in NATS JetStream with --queue nats://HOST:PORT." });
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  return mkdtemp(join(tmpdir(), "meshroom-intake-"));
}

function _flags<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const flag = `--${String(issue?.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new MeshroomError("E_USAGE", `bad value for ${flag}: ${issue?.message ?? "invalid"}`);
}

function _untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const on = (s: NodeJS.Signals): void => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolveSignal(s);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}
