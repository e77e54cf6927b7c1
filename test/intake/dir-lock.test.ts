// One owner per intake data directory: the lock is never seen half-written, a stale lock is
// taken over by exactly one of many contenders, and a dead holder — a zombie not yet reaped, or
// a pid now used by another process — does not block a restart.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { acquireDirLock, lockHolder, LOCK_FILE } from "../../src/intake/dir-lock.js";
import { harnessPool, removeRoot, tempRoot } from "./helpers.js";
import { spawnZombie } from "../util/zombie.js";

const here = fileURLToPath(new URL(".", import.meta.url));
// the contenders run the built code (dist/, as the CLI tests do): plain node starts fast
const racer = join(here, "fixtures/lock-racer.mjs");

/** A dead process's pid: a short-lived child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((r) => child.once("exit", r));
  return child.pid as number;
}

function lockText(pid: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ pid, purpose: "intake server", since: "2026-01-01T00:00:00.000Z", ...extra });
}

/** Starts `n` contenders, lets them all go at once; resolves with each one's verdict line. */
async function race(dir: string, n: number): Promise<string[]> {
  const children: ChildProcess[] = [];
  const lines: Promise<string>[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const c = spawn(process.execPath, [racer, dir], { stdio: ["pipe", "pipe", "inherit"] });
    children.push(c);
    let out = "";
    ready.push(new Promise((r) => c.stdout?.on("data", (d: Buffer) => (out += d.toString()).includes("ready\n") && r())));
    lines.push(
      new Promise((r) => {
        const check = (): void => {
          const verdict = out.split("\n").find((l) => l.startsWith("won") || l.startsWith("lost"));
          if (verdict !== undefined) r(verdict);
        };
        c.stdout?.on("data", check);
        c.once("exit", () => r(out.split("\n").find((l) => l.startsWith("won") || l.startsWith("lost")) ?? `exited: ${out}`));
      }),
    );
  }
  await Promise.all(ready);
  for (const c of children) c.stdin?.write("go\n");
  const verdicts = await Promise.all(lines);
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once("exit", r), c.stdin?.end())))));
  return verdicts;
}

describe("intake data-directory lock", () => {
  const pool = harnessPool();

  it("does not take over a lock file seen empty (its holder may be writing it)", async () => {
    const root = await tempRoot();
    try {
      const dir = join(root, "data");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, LOCK_FILE), "");
      await expect(acquireDirLock(dir, "second")).rejects.toMatchObject({ code: "E_STATE_LOCKED", message: expect.stringMatching(/does not say who holds it/) });
    } finally {
      await removeRoot(root);
    }
  });

  it("of many processes starting at once on a directory with a stale lock, exactly one wins", async () => {
    const root = await tempRoot();
    try {
      const dir = join(root, "data");
      await mkdir(dir, { recursive: true });
      // a dead intake's lock records its start time too: with pids wrapping at 32,768 on a busy
      // machine, the dead pid may be in use again by the time the contenders read it
      await writeFile(join(dir, LOCK_FILE), lockText(await deadPid(), { started: "1" }));
      const verdicts = await race(dir, 8);
      expect(verdicts.filter((v) => v === "won")).toHaveLength(1);
      // every other contender names the winner (the odd verdicts are shown when one does not)
      expect(verdicts.filter((v) => v !== "won" && !(v.startsWith("lost") && /in use by pid/.test(v)))).toEqual([]);
    } finally {
      await removeRoot(root);
    }
  }, 60_000);

  it("restarts over a lock whose holder is a zombie (exited, never reaped)", async () => {
    const root = await tempRoot();
    const zombie = await spawnZombie();
    try {
      const dir = join(root, "data");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, LOCK_FILE), lockText(zombie.pid));
      expect(await lockHolder(dir)).toBeUndefined();
      const h = await pool.start({ root });
      expect((await lockHolder(h.dir))?.pid).toBe(process.pid);
    } finally {
      zombie.stop();
      await removeRoot(root);
    }
  });

  it("restarts over a lock whose pid now belongs to another process (start time differs)", async () => {
    const root = await tempRoot();
    try {
      const dir = join(root, "data");
      await mkdir(dir, { recursive: true });
      // our own pid is alive, but the recorded start time is not ours: the pid was reused
      await writeFile(join(dir, LOCK_FILE), lockText(process.pid, { started: "1" }));
      const h = await pool.start({ root });
      expect((await lockHolder(h.dir))?.purpose).toBe("intake server");
    } finally {
      await removeRoot(root);
    }
  });
});
