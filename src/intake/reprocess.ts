// `meshroom intake reprocess`: replays the DLQ of a data directory. When a server owns the
// directory, the work is asked of it (POST /admin/reprocess) so only one process ever writes
// the files; otherwise the directory is locked and reprocessed in this process.
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { type AdminClientOptions, callAdmin, owningServer } from "./admin-client.js";
import { withOfflineStore, withSharedQueue } from "./offline-store.js";
import type { ReprocessResult } from "./queue.js";

export interface ReprocessOptions extends AdminClientOptions {
  source?: string;
}

export type ReprocessOutcome = ReprocessResult & { via: "server" | "offline" | "queue" };

const ResultSchema = z.object({
  examined: z.number(),
  moved: z.number(),
  remaining: z.number(),
  offsets: z.array(z.number()),
  orphaned: z.number(),
});

export async function reprocessDir(opts: ReprocessOptions): Promise<ReprocessOutcome> {
  if (opts.queue !== undefined) {
    // JetStream: every intake on the stream shares it; reprocess runs under the queue's own lock
    return withSharedQueue(opts.queue, opts.queueOptions, async (store) => {
      if (opts.source !== undefined && !store.sources.get(opts.source)) throw new MeshroomError("E_NOT_FOUND", `no source \`${opts.source}\` in ${opts.queue}`);
      return { ...(await store.reprocess({ source: opts.source })), via: "queue" as const };
    });
  }
  const server = await owningServer(opts.dir);
  if (server) {
    const body = opts.source === undefined ? {} : { source: opts.source };
    const r = await callAdmin(server, opts, { method: "POST", path: "/admin/reprocess", body, what: "reprocess" }, ResultSchema);
    return { ...r, via: "server" };
  }
  return withOfflineStore(opts.dir, "offline reprocess", async (store) => {
    if (opts.source !== undefined && !store.sources.get(opts.source)) {
      throw new MeshroomError("E_NOT_FOUND", `no source \`${opts.source}\` in ${opts.dir}`);
    }
    return { ...(await store.reprocess({ source: opts.source })), via: "offline" as const };
  });
}
