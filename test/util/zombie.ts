// Test helper: a zombie process (exited, never reaped), as left in a container without an init.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

function procState(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/**
 * `sh` starts a short `sleep` in the background and exec's a long one, which never waits for it: once
 * the short one exits it stays a zombie until the long one ends. `stop()` ends the sleep (init reaps both).
 */
export async function spawnZombie(): Promise<{ pid: number; stop(): void }> {
  const parent = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 60"], { stdio: ["ignore", "pipe", "ignore"] });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    parent.once("error", reject);
  });
  for (let i = 0; i < 200 && procState(pid) !== "Z"; i++) await new Promise((r) => setTimeout(r, 20));
  if (procState(pid) !== "Z") throw new Error(`pid ${pid} did not become a zombie (state ${procState(pid) ?? "gone"})`);
  return { pid, stop: () => parent.kill("SIGKILL") };
}
