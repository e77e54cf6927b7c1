// Hook commands ran in their own process group, so when meshroom was killed (kill -9: no exit
// handler runs) they kept running, finished later, and the next apply started them again while
// they might still run. Now a watchdog kills the group when meshroom dies, however it dies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, assertBuilt } from "../e2e/helpers.js";
import { EDR_DEF, MeshProject } from "../engine/fixtures.js";

const projects: MeshProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

/** True while `pid` runs (a zombie, dead but not yet reaped, counts as gone). Linux /proc. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe.runIf(process.platform === "linux")("a hook command when meshroom is killed", () => {
  it("dies with meshroom (kill -9), with the processes it started", async () => {
    assertBuilt();
    const m = new MeshProject();
    projects.push(m);
    m.product("edr", `${EDR_DEF}hooks:\n  - { kind: setupInstance, run: ["sh", "scripts/slow.sh"], env: [HOOKTEST_DIR], title: "register the EDR" }\n`);
    m.write("products/edr/scripts/slow.sh", `sleep 30 &\necho "$$ $!" > "$HOOKTEST_DIR/pids"\nwait\necho finished >> "$HOOKTEST_DIR/pids"\n`);
    m.instance("edr", "edr1", { url: "https://edr" });
    const child = execa(process.execPath, [BIN, "-p", m.root, "apply", "--auto-approve"], {
      reject: false, env: { CI: "true", HOOKTEST_DIR: m.root },
    });
    const pidsFile = join(m.root, "pids");
    const started = await waitFor(() => { try { return readFileSync(pidsFile, "utf8").trim().split(" ").length === 2; } catch { return false; } }, 30_000);
    expect(started, "the hook command started").toBe(true);
    const pids = readFileSync(pidsFile, "utf8").trim().split(" ").map(Number);
    expect(pids.every(running)).toBe(true);
    // (killed while the command runs: the few milliseconds between its spawn and the watchdog
    // learning its group id are a known window, see src/exec/group-watchdog.ts)
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGKILL");
    await child;
    const gone = await waitFor(() => !pids.some(running), 5_000);
    if (!gone) console.log((await execa("ps", ["-eo", "pid,ppid,pgid,stat,lstart,cmd"])).stdout.split("\n").filter((l) => /watchdog|slow|sleep 30|PID/.test(l)).join("\n"), pids, child.pid);
    for (const p of pids) if (running(p)) process.kill(p, "SIGKILL"); // clean up after a failure
    expect(gone, `hook command processes ${pids.join(", ")} outlived meshroom`).toBe(true);
  }, 60_000);
});
