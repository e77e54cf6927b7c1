import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive, isProcessRunning, readPid, spawnDetached, stopProcess } from "../../src/exec/index.js";

const dir = mkdtempSync(join(tmpdir(), "meshroom-daemon-"));
const started: string[] = [];
afterAll(async () => {
  for (const f of started) await stopProcess(f, { graceMs: 100 });
  rmSync(dir, { recursive: true, force: true });
});

describe("spawnDetached / stopProcess", () => {
  it("starts a daemon with a pid file and a log file, refuses a second start, and stops it", async () => {
    const pidFile = join(dir, "run/d1.pid");
    const logFile = join(dir, "log/d1.log");
    started.push(pidFile);
    const { pid } = await spawnDetached("sh", ["-c", 'echo "started $GREETING"; echo oops >&2; exec sleep 60'], {
      cwd: dir, logFile, pidFile, env: { GREETING: "hi" },
    });
    expect(readPid(pidFile)).toBe(pid);
    expect(isProcessRunning(pidFile)).toBe(true);
    await expect.poll(() => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""), { timeout: 3000 }).toBe("started hi\noops\n");
    await expect(spawnDetached("sh", ["-c", "sleep 1"], { cwd: dir, logFile, pidFile })).rejects.toMatchObject({ code: "E_EXISTS" });

    expect(await stopProcess(pidFile, { graceMs: 2000 })).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(await stopProcess(pidFile)).toBe(false);
  });

  it("kills a daemon that ignores SIGTERM after the grace period, children included", async () => {
    const pidFile = join(dir, "d2.pid");
    const childPidFile = join(dir, "d2-child.pid");
    started.push(pidFile);
    await spawnDetached("sh", ["-c", `trap "" TERM; sleep 60 & echo $! > ${childPidFile}; while true; do sleep 1; done`], {
      cwd: dir, logFile: join(dir, "d2.log"), pidFile,
    });
    await expect.poll(() => existsSync(childPidFile), { timeout: 3000 }).toBe(true);
    const pid = readPid(pidFile)!;
    const t0 = Date.now();
    expect(await stopProcess(pidFile, { graceMs: 300 })).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(isAlive(pid)).toBe(false);
    await expect.poll(() => isAlive(Number(readFileSync(childPidFile, "utf8"))), { timeout: 3000 }).toBe(false);
  });

  it("fails with E_EXEC when the program does not exist", async () => {
    await expect(spawnDetached("meshroom-no-such-daemon", [], { cwd: dir, logFile: join(dir, "x.log"), pidFile: join(dir, "x.pid") }))
      .rejects.toMatchObject({ code: "E_EXEC" });
    expect(existsSync(join(dir, "x.pid"))).toBe(false);
  });
});
