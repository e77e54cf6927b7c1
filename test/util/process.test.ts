import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlive, processStartTime } from "../../src/util/process.js";
import { FileLock } from "../../src/state/index.js";
import { spawnZombie } from "./zombie.js";

describe("isAlive", () => {
  it("counts a zombie (exited, not reaped) as dead, and this process as alive", async () => {
    const z = await spawnZombie();
    try {
      expect(isAlive(z.pid)).toBe(false);
    } finally {
      z.stop();
    }
    expect(isAlive(process.pid)).toBe(true);
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
  });

  it("never takes 0 or a negative number (process groups) for a live pid", () => {
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
  });

  it("the state lock of a zombie holder is broken as stale", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshroom-zombie-"));
    const z = await spawnZombie();
    try {
      const lockPath = join(root, "meshroom.state.json.lock");
      const info = { id: "old-id", operation: "apply", who: "t@h", version: "0", created: "2026-01-01T00:00:00Z", path: "s", pid: z.pid, host: hostname() };
      await writeFile(lockPath, JSON.stringify(info));
      const h = await new FileLock(lockPath, "s").lock({ operation: "plan" });
      expect(h.warnings.join("\n")).toMatch(/Removed a stale state lock \(ID old-id/);
      await h.release();
    } finally {
      z.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
