// `meshroom intake dlq`: what is in the dead-letter queue of a data directory, and why. Asked of
// the server when one owns the directory (GET /admin/dlq), else read from the files under the
// directory's lock, like reprocess.
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { type AdminClientOptions, callAdmin, owningServer } from "./admin-client.js";
import { DlqEntrySchema, type DlqEntry } from "./dlq.js";
import { withOfflineStore, withSharedQueue } from "./offline-store.js";

export interface DlqListOptions extends AdminClientOptions {
  source?: string;
  /** At most this many entries, oldest first (the server caps it at 1,000). */
  limit: number;
}

export interface DlqListing {
  entries: DlqEntry[];
  /** How many dead letters there are (of `source` when given), listed or not. */
  total: number;
  via: "server" | "offline" | "queue";
}

const ReplySchema = z.object({ entries: z.array(DlqEntrySchema), total: z.number().int().nonnegative() });

export async function listDeadLetters(opts: DlqListOptions): Promise<DlqListing> {
  if (opts.queue !== undefined) {
    return withSharedQueue(opts.queue, opts.queueOptions, async (store) => ({
      entries: await store.dlq.list({ source: opts.source, limit: opts.limit }),
      total: await store.dlq.total(opts.source),
      via: "queue" as const,
    }));
  }
  const server = await owningServer(opts.dir);
  if (server) {
    const q = new URLSearchParams({ limit: String(opts.limit), ...(opts.source !== undefined ? { source: opts.source } : {}) });
    const r = await callAdmin(server, opts, { method: "GET", path: `/admin/dlq?${q}`, what: "list the dead-letter queue" }, ReplySchema);
    return { ...r, via: "server" };
  }
  return withOfflineStore(opts.dir, "dead-letter listing", async (store) => {
    const total = await store.dlq.total(opts.source);
    // a deleted source's dead letters are still listed
    if (opts.source !== undefined && !store.sources.get(opts.source) && total === 0) {
      throw new MeshroomError("E_NOT_FOUND", `no source \`${opts.source}\` in ${opts.dir}`);
    }
    return { entries: await store.dlq.list({ source: opts.source, limit: opts.limit }), total, via: "offline" as const };
  });
}
