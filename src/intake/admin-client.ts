// Talks to the server that owns an intake data directory, when one does: found through its
// lock and server.json, authenticated with the admin token. Offline commands use the files.
import { stat } from "node:fs/promises";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { resolveAdminToken } from "./admin-token.js";
import { lockHolder, readServerInfo, type ServerInfo } from "./dir-lock.js";
import type { QueueOpenOptions } from "./queue-kinds.js";

export interface AdminClientOptions {
  dir: string;
  /** A shared queue (e.g. nats://…) to open directly instead of going through `dir`. */
  queue?: string;
  queueOptions?: QueueOpenOptions;
  /** Admin token file for a running server (else $MESHROOM_INTAKE_ADMIN_TOKEN, else the file the server recorded). */
  adminTokenFile?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The server owning `dir`, or undefined when none does (the caller may then lock the directory
 * and use the files). Throws when `dir` is not a directory, or when another command holds it.
 */
export async function owningServer(dir: string): Promise<ServerInfo | undefined> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new MeshroomError("E_NOT_FOUND", `no intake data directory at ${dir}`, { detail: "Pass the --dir that `meshroom intake serve` uses." });
  }
  const holder = await lockHolder(dir);
  if (!holder) return undefined;
  const info = await readServerInfo(dir);
  if (!info || info.pid !== holder.pid) {
    throw new MeshroomError("E_STATE_LOCKED", `the intake directory ${dir} is busy (pid ${holder.pid}: ${holder.purpose})`, {
      detail: "Wait for it to finish, then run the command again.",
    });
  }
  return info;
}

/** One admin API call to the server; its JSON reply checked against `reply`. `what` names the request in errors. */
export async function callAdmin<S extends z.ZodType>(
  server: ServerInfo, opts: AdminClientOptions, req: { method: "GET" | "POST"; path: string; body?: unknown; what: string }, reply: S,
): Promise<z.output<S>> {
  const { token } = await resolveAdminToken({
    dir: opts.dir,
    file: opts.adminTokenFile ?? (opts.env?.MESHROOM_INTAKE_ADMIN_TOKEN ? undefined : server.admin_token_file),
    env: opts.env,
  });
  const url = `http://${hostForUrl(server.admin_host)}:${server.admin_port}${req.path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: req.method,
      headers: { Authorization: `Bearer ${token}`, ...(req.body !== undefined ? { "Content-Type": "application/json" } : {}) },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    });
  } catch (e) {
    throw new MeshroomError("E_EXEC", `cannot reach the intake server (pid ${server.pid}) at ${url}: ${(e as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const msg = z.object({ error: z.string() }).safeParse(body);
    throw new MeshroomError("E_EXEC", `the intake server refused to ${req.what} (HTTP ${res.status}): ${msg.success ? msg.data.error : "no reason given"}`);
  }
  const r = reply.safeParse(body);
  if (!r.success) throw new MeshroomError("E_EXEC", `the intake server sent an unexpected reply to ${req.what}`);
  return r.data;
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
