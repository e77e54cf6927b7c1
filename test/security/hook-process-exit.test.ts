// A TypeScript hook runs inside meshroom's process. One that called process.exit(0) ended
// `meshroom apply` with exit code 0, no state written and the lock left behind. While hooks run,
// an exit is now that hook's failure: the apply goes on, saves state (the resource tainted),
// releases the lock and exits non-zero. Runs the built CLI: the exit must be a real process's.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, assertBuilt } from "../e2e/helpers.js";
import { producerBodyMesh, type MeshProject } from "../engine/fixtures.js";

const projects: MeshProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

const EXITS: Record<string, string> = {
  "process.exit(0) in the hook": `process.exit(0);`,
  "process.exit(0) from a timer the hook set": `await new Promise((r) => setTimeout(() => { process.exit(0); r(undefined); }, 10)); await new Promise((r) => setTimeout(r, 2000));`,
  "process.abort()": `process.abort();`,
};

function mesh(body: string): MeshProject {
  const m = producerBodyMesh(`${body} return { outputs: { p: 1 } };`, "open the EDR stream");
  projects.push(m);
  return m;
}

describe("a hook that ends the process", () => {
  for (const [what, body] of Object.entries(EXITS)) {
    it(`${what}: fails that hook; state saved, lock released, exit code non-zero`, async () => {
      assertBuilt();
      const m = mesh(body);
      const r = await execa(process.execPath, [BIN, "-p", m.root, "--no-color", "apply", "--auto-approve"], {
        reject: false, timeout: 60_000, env: { CI: "true", HOOKTEST_DIR: m.root },
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain("hook 'open the EDR stream'");
      expect(r.stderr).toMatch(/called process\.(exit|abort)/);
      const byAddr = new Map(m.state().resources.map((x) => [x.address, x]));
      expect(byAddr.get("instance.edr1")?.status).toBe("ready");
      expect(byAddr.get("plug.edr1.siem1.events.push")?.status).toBe("tainted");
      const lockDir = join(m.root, ".meshroom");
      expect(existsSync(lockDir) ? readdirSync(lockDir).filter((f) => f.includes("lock")) : []).toEqual([]);
    }, 90_000);
  }
});
