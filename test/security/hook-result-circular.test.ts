// A hook result that cannot be stored as JSON (a cycle, a getter or toJSON that throws, a BigInt)
// used to pass the result check and break every later save of the state: the stored state stayed
// frozen with every resource pending, the summary said "N added", and no hook was named. Now the
// result is copied to plain JSON where it enters: that resource fails with the hook's title and
// the reason, and the rest of the state is saved as usual.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { producerBodyMesh, type MeshProject } from "../engine/fixtures.js";

const projects: MeshProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

const BAD: Record<string, string> = {
  circular: `const o: Record<string, unknown> = { a: 1 }; o.self = o; return { outputs: o };`,
  "throwing getter": `return { outputs: { get token(): string { throw new Error("vault sealed"); } } };`,
  "throwing toJSON": `return { outputs: { when: { toJSON() { throw new Error("no clock"); } } } };`,
  bigint: `return { outputs: { id: 12345678901234567890n } };`,
};

function mesh(body: string): MeshProject {
  const m = producerBodyMesh(body, "open the EDR event stream");
  projects.push(m);
  return m;
}

describe("a hook result that cannot be stored", () => {
  for (const [what, body] of Object.entries(BAD)) {
    it(`${what}: fails that resource with the hook's title; the rest of the state is saved`, async () => {
      const m = mesh(body);
      const r = await m.cli("apply", "--auto-approve");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("hook 'open the EDR event stream'");
      expect(r.stderr).toContain("returned a result that cannot be stored");
      expect(r.stderr).not.toContain("Maximum call stack");
      expect(r.stdout).not.toMatch(/Resources: 3 added/);
      const state = m.state();
      const byAddr = new Map(state.resources.map((x) => [x.address, x]));
      expect(byAddr.get("instance.edr1")?.status).toBe("ready");
      expect(byAddr.get("instance.siem1")?.status).toBe("ready");
      expect(byAddr.get("plug.edr1.siem1.events.push")?.status).toBe("tainted");
      expect(existsSync(join(m.root, "meshroom.state.errored.json"))).toBe(false);
      // and the next plan still works from that state
      const plan = await m.cli("plan");
      expect(plan.code).toBe(0);
    }, 60_000);
  }
});
