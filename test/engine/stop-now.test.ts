// The engine side of a second Ctrl-C: aborting `stopNow` makes the apply's persistence pipeline
// save the state synchronously, inside abort(), and report it — what the CLI prints right before
// it exits. The CLI only aborts a signal; it holds no object of the engine's.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ringSetup } from "../../bench/engine-mesh.js";
import { applyOperation } from "../../src/engine/deploy/apply-operation.js";
import { parseStateText, STATE_FILE_NAME, type EmergencySave, type StateFile } from "../../src/state/index.js";

const completedSteps = (s: StateFile) => s.resources.reduce((n, r) => n + r.steps_done.length, 0);

describe("applyOperation with stopNow", () => {
  it("saves synchronously when stopNow aborts mid-apply, reports it, and the run still ends with a complete state", async () => {
    const stopNow = new AbortController();
    const reports: EmergencySave[] = [];
    let calls = 0;
    let before: StateFile | undefined;
    let atStop: StateFile | undefined;
    const setup = ringSetup(30, {
      setupMs: 5,
      onCall: () => {
        if (++calls !== 40) return;
        try {
          before = parseStateText(readFileSync(join(setup.dir, STATE_FILE_NAME), "utf8"), "before");
        } catch {
          before = undefined; // nothing saved yet
        }
        stopNow.abort(); // the second Ctrl-C, while hooks run
        atStop = parseStateText(readFileSync(join(setup.dir, STATE_FILE_NAME), "utf8"), "at stop");
      },
    });
    try {
      const out = await applyOperation(setup, { parallelism: 4, stopNow: stopNow.signal, onStoppedNow: (s) => reports.push(s) });
      expect(reports).toEqual([{ stored: true }]);
      expect(atStop).toBeDefined();
      expect(completedSteps(atStop!)).toBeGreaterThanOrEqual(before ? completedSteps(before) : 0);
      expect(atStop!.resources.some((r) => r.pending_step !== undefined)).toBe(true); // hooks were running
      expect(out.result?.added).toBe(60);
      const final = parseStateText(readFileSync(join(setup.dir, STATE_FILE_NAME), "utf8"), "final");
      expect(final.resources.every((r) => r.status === "ready")).toBe(true);
      expect(final.serial).toBeGreaterThan(atStop!.serial);
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });

  it("does nothing once the apply is over (the final save did the work)", async () => {
    const stopNow = new AbortController();
    const reports: EmergencySave[] = [];
    const setup = ringSetup(3, { setupMs: 0 });
    try {
      await applyOperation(setup, { stopNow: stopNow.signal, onStoppedNow: (s) => reports.push(s) });
      stopNow.abort();
      expect(reports).toEqual([]);
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });
});
