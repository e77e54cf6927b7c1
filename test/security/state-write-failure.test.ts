// A state save that fails mid-apply (here: the state path became a directory) must never be
// reported as success: apply exits non-zero, the state it meant to save goes to the errored file,
// no new hook starts once progress cannot be recorded, and the summary does not claim "N added".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EDR_DEF, MeshProject, SIEM_DEF } from "../engine/fixtures.js";

const projects: MeshProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

describe("a state save that fails during apply", () => {
  it("exits non-zero, writes the errored file, starts no further hook and reports no success", async () => {
    const m = new MeshProject();
    projects.push(m);
    // the EDR's instance hook breaks the state path: every save from then on fails
    m.product("edr", EDR_DEF, `import { setupProducer, setupInstance } from "meshroom/hooks";
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
const dir = process.env.MESHROOM_TEST_DIR!;
setupInstance(async () => {
  rmSync(join(dir, "meshroom.state.json"), { force: true });
  mkdirSync(join(dir, "meshroom.state.json"));
  appendFileSync(join(dir, "calls.log"), "edr-instance\\n");
  return { outputs: { id: "edr-1" } };
}, { title: "register the EDR" });
setupProducer("events", async () => { appendFileSync(join(dir, "calls.log"), "edr-producer\\n"); return { outputs: { p: 1 } }; }, { title: "open the EDR stream" });
`);
    m.product("siem", SIEM_DEF, `import { setupConsumer } from "meshroom/hooks";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
setupConsumer("events", async () => { appendFileSync(join(process.env.MESHROOM_TEST_DIR!, "calls.log"), "siem-consumer\\n"); return { outputs: { k: 1 } }; }, { title: "open the SIEM input" });
`);
    m.instance("edr", "edr1", { url: "https://edr" }).instance("siem", "siem1", { port: 8514 });
    m.plug({ srcProduct: "edr", src: "edr1", dstProduct: "siem", dst: "siem1", topic: "events" });

    const r = await m.cli("apply", "--auto-approve");
    if (process.env.SHOW) console.log(r.stdout, r.stderr);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\d+ added/);
    expect(r.stdout + r.stderr).not.toMatch(/Apply complete/);
    expect(r.stderr).toMatch(/meshroom\.state\.errored\.json/);
    const errored = join(m.root, "meshroom.state.errored.json");
    expect(existsSync(errored)).toBe(true);
    const saved = JSON.parse(readFileSync(errored, "utf8")) as { resources: Array<{ address: string; steps_done: unknown[] }> };
    const edr = saved.resources.find((x) => x.address === "instance.edr1");
    expect(edr?.steps_done).toHaveLength(1); // what this run did is not lost
    // once the save failed, the plug (which needs the EDR) was not set up
    expect(m.calls()).not.toContain("edr-producer");
    expect(m.calls()).not.toContain("siem-consumer");
  }, 60_000);
});
