// One owner per data directory: a running server or an offline reprocess holds
// `intake.lock` (pid and process start time inside), created with its content in one step
// (util/lock-file). A lock whose process is gone — exited, a zombie, or its pid now reused by
// another process — is stale and taken over. `server.json` tells other processes (the
// reprocess CLI) where the live server listens.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "./atomic-file.js";
import { isAlive, processStartTime } from "../util/process.js";
import { createLockFile, readLockFile, removeLockFileIf } from "../util/lock-file.js";

export const LOCK_FILE = "intake.lock";
export const SERVER_FILE = "server.json";

const DirLockHolderSchema = z.object({
  pid: z.number().int(),
  purpose: z.string(),
  since: z.string(),
  /** The holder's process start time (see `processStartTime`), when known. */
  started: z.string().optional(),
});
export type DirLockHolder = z.infer<typeof DirLockHolderSchema>;

export const ServerInfoSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  admin_host: z.string(),
  admin_port: z.number().int(),
  admin_token_file: z.string().optional(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

export interface DirLock {
  release(): Promise<void>;
}

type Read = { kind: "none" } | { kind: "held" | "stale"; info: DirLockHolder; text: string } | { kind: "unreadable"; text: string };

async function readLock(dir: string): Promise<Read> {
  const text = await readLockFile(join(dir, LOCK_FILE));
  if (text === undefined) return { kind: "none" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "unreadable", text };
  }
  const r = DirLockHolderSchema.safeParse(parsed);
  if (!r.success) return { kind: "unreadable", text };
  return { kind: holderRuns(r.data) ? "held" : "stale", info: r.data, text };
}

/** The recorded process still runs: alive, not a zombie, and (when recorded) started when it did. */
function holderRuns(info: DirLockHolder): boolean {
  if (!isAlive(info.pid)) return false;
  if (info.started === undefined) return true;
  const now = processStartTime(info.pid);
  return now === undefined || now === info.started;
}

/** The current holder, when a running process holds the lock. */
export async function lockHolder(dir: string): Promise<DirLockHolder | undefined> {
  const r = await readLock(dir);
  return r.kind === "held" ? r.info : undefined;
}

export async function acquireDirLock(dir: string, purpose: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  const started = processStartTime(process.pid);
  const info: DirLockHolder = { pid: process.pid, purpose, since: new Date().toISOString(), ...(started !== undefined ? { started } : {}) };
  const mine = JSON.stringify(info) + "\n";
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createLockFile(path, mine, 0o600)) return { release: () => releaseLock(dir, mine) };
    const r = await readLock(dir);
    if (r.kind === "none") continue; // released between our create and our read
    if (r.kind === "held") {
      throw new MeshroomError("E_STATE_LOCKED", `the intake directory ${dir} is in use by pid ${r.info.pid} (${r.info.purpose} since ${r.info.since})`, {
        detail: "Stop that process first, or use a different --dir.",
      });
    }
    if (r.kind === "unreadable") {
      // never written by this version (its locks appear whole); do not guess who holds it
      throw new MeshroomError("E_STATE_LOCKED", `the intake directory ${dir} has a lock file that does not say who holds it (${path})`, {
        detail: `If no meshroom intake process uses ${dir} (check with \`ps\`), remove it: rm ${path}`,
      });
    }
    await removeLockFileIf(path, (text) => text === r.text); // stale: its owner is gone
  }
  throw new MeshroomError("E_STATE_LOCKED", `cannot take the lock ${path}: other processes keep taking and releasing it`, {
    detail: "Run the command again.",
  });
}

async function releaseLock(dir: string, mine: string): Promise<void> {
  await fsp.rm(join(dir, SERVER_FILE), { force: true });
  await removeLockFileIf(join(dir, LOCK_FILE), (text) => text === mine);
}

export async function writeServerInfo(dir: string, info: ServerInfo): Promise<void> {
  await writeFileAtomic(join(dir, SERVER_FILE), JSON.stringify(info) + "\n");
}

export async function readServerInfo(dir: string): Promise<ServerInfo | undefined> {
  try {
    const r = ServerInfoSchema.safeParse(JSON.parse(await fsp.readFile(join(dir, SERVER_FILE), "utf8")));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
