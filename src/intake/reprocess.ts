// `meshroom intake reprocess`: replays the DLQ of a data directory. When a server owns the
// directory, the work is asked of it (POST /admin/reprocess) so only one process ever writes
// the files; otherwise the directory is locked and reprocessed in this process.
import { stat } from "node:fs/promises";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { resolveAdminToken } from "./admin-token.js";
import { acquireDirLock, lockHolder, readServerInfo } from "./dir-lock.js";
import { IntakeStore, type ReprocessResult } from "./store.js";

export interface ReprocessOptions {
  dir: string;
  source?: string;
  /** Admin token file for a running server (else $MESHROOM_INTAKE_ADMIN_TOKEN, else the file the server recorded). */
  adminTokenFile?: string;
  env?: NodeJS.ProcessEnv;
}

export type ReprocessOutcome = ReprocessResult & { via: "server" | "offline" };

const ResultSchema = z.object({
  examined: z.number(),
  moved: z.number(),
  remaining: z.number(),
  offsets: z.array(z.number()),
  orphaned: z.number(),
});

export async function reprocessDir(opts: ReprocessOptions): Promise<ReprocessOutcome> {
  const st = await stat(opts.dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new MeshroomError("E_NOT_FOUND", `no intake data directory at ${opts.dir}`, { detail: "Pass the --dir that `meshroom intake serve` uses." });
  }
  const holder = await lockHolder(opts.dir);
  if (holder) {
    const info = await readServerInfo(opts.dir);
    if (!info || info.pid !== holder.pid) {
      throw new MeshroomError("E_STATE_LOCKED", `the intake directory ${opts.dir} is busy (pid ${holder.pid}: ${holder.purpose})`, {
        detail: "Wait for it to finish, then run the command again.",
      });
    }
    const { token } = await resolveAdminToken({ dir: opts.dir, file: opts.adminTokenFile ?? (opts.env?.MESHROOM_INTAKE_ADMIN_TOKEN ? undefined : info.admin_token_file), env: opts.env });
    const url = `http://${hostForUrl(info.admin_host)}:${info.admin_port}/admin/reprocess`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(opts.source === undefined ? {} : { source: opts.source }),
      });
    } catch (e) {
      throw new MeshroomError("E_EXEC", `cannot reach the intake server (pid ${info.pid}) at ${url}: ${(e as Error).message}`);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const msg = z.object({ error: z.string() }).safeParse(body);
      throw new MeshroomError("E_EXEC", `the intake server refused to reprocess (HTTP ${res.status}): ${msg.success ? msg.data.error : "no reason given"}`);
    }
    const r = ResultSchema.safeParse(body);
    if (!r.success) throw new MeshroomError("E_EXEC", "the intake server sent an unexpected reprocess reply");
    return { ...r.data, via: "server" };
  }
  const lock = await acquireDirLock(opts.dir, "offline reprocess");
  try {
    const store = await IntakeStore.open(opts.dir);
    try {
      if (opts.source !== undefined && !store.sources.get(opts.source)) {
        throw new MeshroomError("E_NOT_FOUND", `no source \`${opts.source}\` in ${opts.dir}`);
      }
      return { ...(await store.reprocess({ source: opts.source })), via: "offline" };
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
