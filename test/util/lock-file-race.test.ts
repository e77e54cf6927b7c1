// Breaking a stale lock must never let two contenders hold the lock. The earlier primitive moved
// the lock aside to check it: while it was aside there was no lock at all, a third contender took
// one, and putting the moved (live) lock back failed silently, so two contenders held it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLockFile, readLockFile, removeLockFileIf } from "../../src/util/lock-file.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One contender: take the lock, or break it when it holds the stale record, or give up. */
async function contend(path: string, me: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createLockFile(path, me)) return true;
    const text = await readLockFile(path);
    if (text === undefined) continue;
    if (text !== "stale") return false; // a live holder: this one lost
    await removeLockFileIf(path, (t) => t === "stale");
  }
  return false;
}

describe("breaking a stale lock", () => {
  it("leaves exactly one holder among many contenders, round after round", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshroom-lock-race-"));
    dirs.push(dir);
    const doubles: number[] = [];
    for (let round = 0; round < 12; round++) {
      const path = join(dir, `r${round}.lock`);
      writeFileSync(path, "stale");
      const won = await Promise.all(Array.from({ length: 16 }, (_, i) => contend(path, `holder-${i}`)));
      const winners = won.filter(Boolean).length;
      if (winners !== 1) doubles.push(winners);
      // the holder on disk is one of the winners
      const holder = await readLockFile(path);
      expect(holder).toMatch(/^holder-\d+$/);
      expect(won[Number(holder!.slice("holder-".length))]).toBe(true);
    }
    expect(doubles, "rounds whose winner count was not 1").toEqual([]);
  });
});
