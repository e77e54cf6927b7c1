import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { LocalBackend, MeshState, parseStateText } from "../../src/state/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const jiti = join(here, "../../node_modules/jiti/lib/jiti-cli.mjs");
const writer = join(here, "fixtures/crash-writer.ts");
// CI runs more trials (MESHROOM_SLOW=1); the default run keeps a few.
const TRIALS = process.env.MESHROOM_SLOW === "1" ? 25 : 2;

/** Starts the writer, lets it save for `ms` after its first durable save, then SIGKILLs it. */
function runAndKill(root: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [jiti, writer, root], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("saving")) setTimeout(() => child.kill("SIGKILL"), ms);
    });
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve() : reject(new Error(`writer ended without being killed: ${stderr}`)),
    );
  });
}

describe("crash safety of the local backend", () => {
  it(`leaves a state file that parses after kill -9 at random moments (${TRIALS} trials)`, async () => {
    const root = await mkdtemp(join(tmpdir(), "meshroom-crash-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    let lastSerial = 0;
    for (let t = 0; t < TRIALS; t++) {
      await runAndKill(root, 20 + Math.floor(Math.random() * 400));
      const file = join(root, "meshroom.state.json");
      const state = parseStateText(await readFile(file, "utf8"), file);
      expect(state.serial).toBeGreaterThan(lastSerial);
      expect(state.resources.length).toBeGreaterThan(0);
      lastSerial = state.serial;
      // the next run picks up from what was saved
      const store = new LocalBackend(root).store();
      const again = MeshState.fromFile(await store.read());
      expect(again.size).toBe(state.resources.length);
    }
    await rm(root, { recursive: true, force: true });
  }, 120_000);
});
