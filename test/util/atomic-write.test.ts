// Crash-safe file replacement with a kept backup, when an asynchronous save and a synchronous one
// (the last save from a signal handler) interleave: neither may fail, and the file and its backup
// are always whole texts that one of them wrote.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/util/atomic-write.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic with a backup", () => {
  it("survives synchronous saves landing between the steps of asynchronous ones (stop-now: EEXIST on the backup link)", async () => {
    dir = mkdtempSync(join(tmpdir(), "meshroom-atomic-"));
    const file = join(dir, "state.json");
    const backup = file + ".backup";
    writeFileAtomicSync(file, "sync 0", { backup });
    let syncWrites = 0;
    let stop = false;
    // a synchronous save at every turn of the event loop, whatever the asynchronous save awaits
    const tick = (): void => {
      if (stop) return;
      writeFileAtomicSync(file, `sync ${++syncWrites}`, { backup, mode: 0o600 });
      setImmediate(tick);
    };
    setImmediate(tick);
    try {
      for (let i = 0; i < 40; i++) await writeFileAtomic(file, `async ${i}`, { backup, mode: 0o600 });
    } finally {
      stop = true;
    }
    expect(syncWrites).toBeGreaterThan(10);
    for (const p of [file, backup]) {
      expect(readFileSync(p, "utf8")).toMatch(/^(sync|async) \d+$/);
      expect(statSync(p).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(dir).sort()).toEqual(["state.json", "state.json.backup"]); // no temp file left
  }, 60_000);

  it("keeps the previous text as the backup, and writes no backup for a new file", async () => {
    dir = mkdtempSync(join(tmpdir(), "meshroom-atomic-"));
    const file = join(dir, "f.json");
    await writeFileAtomic(file, "one", { backup: file + ".backup" });
    expect(readdirSync(dir)).toEqual(["f.json"]);
    await writeFileAtomic(file, "two", { backup: file + ".backup" });
    writeFileAtomicSync(file, "three", { backup: file + ".backup" });
    expect(readFileSync(file, "utf8")).toBe("three");
    expect(readFileSync(file + ".backup", "utf8")).toBe("two");
  });
});
