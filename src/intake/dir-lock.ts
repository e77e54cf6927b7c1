// One owner per data directory: a running server or an offline reprocess holds
// `intake.lock` (pid inside). A lock whose pid is gone is stale and taken over.
// `server.json` tells other processes (the reprocess CLI) where the live server listens.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "./atomic-file.js";
import { isAlive } from "../util/process.js";

export const LOCK_FILE = "intake.lock";
export const SERVER_FILE = "server.json";

const LockInfo = z.object({ pid: z.number().int(), purpose: z.string(), since: z.string() });
export type LockInfo = z.infer<typeof LockInfo>;

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

/** The current holder, when a live process holds the lock. */
export async function lockHolder(dir: string): Promise<LockInfo | undefined> {
  try {
    const r = LockInfo.safeParse(JSON.parse(await fsp.readFile(join(dir, LOCK_FILE), "utf8")));
    if (r.success && isAlive(r.data.pid)) return r.data;
  } catch {
    // no lock, or a half-written one: nobody holds it
  }
  return undefined;
}

export async function acquireDirLock(dir: string, purpose: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, purpose, since: new Date().toISOString() };
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(path, "wx", 0o600);
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      return { release: () => releaseLock(dir) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = await lockHolder(dir);
    if (holder) {
      throw new MeshroomError("E_STATE_LOCKED", `the intake directory ${dir} is in use by pid ${holder.pid} (${holder.purpose} since ${holder.since})`, {
        detail: "Stop that process first, or use a different --dir.",
      });
    }
    await fsp.rm(path, { force: true }); // stale: its owner died
  }
  throw new MeshroomError("E_STATE_LOCKED", `cannot take the lock ${path}`);
}

async function releaseLock(dir: string): Promise<void> {
  await fsp.rm(join(dir, SERVER_FILE), { force: true });
  await fsp.rm(join(dir, LOCK_FILE), { force: true });
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
