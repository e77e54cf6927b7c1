// The registry of intake queue kinds, keyed by URL scheme. `file` (the default) keeps the queue
// in the data directory; a kind for another store (e.g. `nats://` for JetStream) is one file
// implementing `IntakeQueue` plus one line here.
import { fileURLToPath } from "node:url";
import { MeshroomError } from "../errors/index.js";
import type { IntakeQueue } from "./queue.js";
import { IntakeStore } from "./store.js";

export interface QueueTarget {
  /** The intake's data directory (it keeps the lock, server.json and the admin token whatever the kind). */
  dir: string;
  /** The queue's URL; undefined: the default kind's place for `dir` (or when the spec is not a WHATWG URL, e.g. several hosts). */
  url?: URL;
  /** The queue as given (`scheme://…`); undefined: the default kind's place for `dir`. */
  spec?: string;
  options?: QueueOpenOptions;
}

/** What a networked queue kind may need besides its URL; never secrets on the command line. */
export interface QueueOpenOptions {
  /** Environment to read credentials from (e.g. $MESHROOM_INTAKE_NATS_TOKEN). */
  env?: NodeJS.ProcessEnv;
  /** A file holding the queue's credentials. */
  authFile?: string;
  /** The stream (JetStream) the queue lives in, overriding the URL's. */
  stream?: string;
}

export interface QueueKind {
  /** The URL scheme without `:`, e.g. `file`. */
  scheme: string;
  /** For messages and help, e.g. "files in the data directory". */
  describe: string;
  open(target: QueueTarget): Promise<IntakeQueue>;
}

export const DEFAULT_QUEUE_SCHEME = "file";

const fileQueue: QueueKind = {
  scheme: DEFAULT_QUEUE_SCHEME,
  describe: "files in the data directory",
  open: ({ dir, url, spec }) => {
    if (spec !== undefined && url === undefined) throw new MeshroomError("E_BAD_VALUE", `the intake queue ${JSON.stringify(spec)} is not a file:// URL`);
    return IntakeStore.open(url ? fileURLToPath(url) : dir);
  },
};

const natsQueue: QueueKind = {
  scheme: "nats",
  describe: "NATS JetStream streams and KV buckets (nats://HOST:PORT[,HOST:PORT…])",
  open: async ({ spec, options }) => {
    // loaded only when used: the file queue never pays for the NATS client
    const [{ parseNatsTarget }, { JetStreamQueue }] = await Promise.all([import("./nats-target.js"), import("./js-queue.js")]);
    if (spec === undefined) throw new MeshroomError("E_INTERNAL", "the nats queue kind needs a nats:// URL");
    return JetStreamQueue.open(parseNatsTarget(spec, options?.stream), { env: options?.env, authFile: options?.authFile });
  },
};

const kinds: QueueKind[] = [
  fileQueue, // the default
  natsQueue,
];
const builtIn = new Set(kinds);

/** Adds a kind (a new store, or a test's); a scheme already registered is refused. */
export function registerQueueKind(kind: QueueKind): void {
  if (kinds.some((k) => k.scheme === kind.scheme)) throw new MeshroomError("E_INTERNAL", `an intake queue kind for \`${kind.scheme}://\` is already registered`);
  kinds.push(kind);
}

/** Removes a kind added with `registerQueueKind` (tests). */
export function unregisterQueueKind(scheme: string): void {
  const i = kinds.findIndex((k) => k.scheme === scheme);
  if (i >= 0 && !builtIn.has(kinds[i] as QueueKind)) kinds.splice(i, 1);
}

export function queueSchemes(): string[] {
  return kinds.map((k) => k.scheme);
}

/**
 * Opens the queue of the intake whose data directory is `dir`: at `queue` (a `scheme://…` URL
 * of a registered kind) when given, else in the directory itself (`file`).
 */
export async function openQueue(dir: string, queue?: string, options?: QueueOpenOptions): Promise<IntakeQueue> {
  if (queue === undefined) return kindOf(DEFAULT_QUEUE_SCHEME).open({ dir, options });
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(queue)?.[1];
  let url: URL | undefined;
  try {
    url = new URL(queue);
  } catch {
    url = undefined;
  }
  if (url === undefined && scheme === undefined) {
    throw new MeshroomError("E_BAD_VALUE", `the intake queue ${JSON.stringify(queue)} is not a URL`, {
      detail: `Give a URL whose scheme is one of ${queueSchemes().map((s) => `${s}://`).join(", ")} (e.g. file:///var/lib/meshroom/intake), or leave it out to keep the queue in the data directory.`,
    });
  }
  return kindOf(scheme?.toLowerCase() ?? (url as URL).protocol.replace(/:$/, "")).open({ dir, url, spec: queue, options });
}

function kindOf(scheme: string): QueueKind {
  const kind = kinds.find((k) => k.scheme === scheme);
  if (!kind) {
    throw new MeshroomError("E_BAD_VALUE", `no intake queue kind for \`${scheme}://\``, {
      detail: `Known kinds: ${queueSchemes().map((s) => `${s}://`).join(", ")}.`,
    });
  }
  return kind;
}
