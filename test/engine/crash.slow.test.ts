// kill -9 during `meshroom apply` of a 600-plug ring, at 20 random moments: the state always
// parses, and the next apply never re-runs a setup step that state recorded as done.
//
// Sizing: each hook sleeps SLEEP_MS and apply runs at most 10 at once, so a run killed at most
// KILL_WINDOW_MS after its first recorded call completes at most 10 * (1 + KILL_WINDOW_MS / SLEEP_MS)
// = 50 steps. 20 runs thus complete at most 1,000 of the 1,200 steps, whatever the machine's speed:
// every run has work left when its kill comes, so most of them really are killed mid-apply.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStateText } from "../../src/state/index.js";
import { MeshProject } from "./fixtures.js";

const BIN = resolve(__dirname, "../../bin/meshroom.js");
const PLUGS = 600;
const TRIALS = 20;
const SLEEP_MS = 100;
const KILL_WINDOW_MS = 400;

const NODE_HOOKS = `import { setupProducer, setupConsumer, teardownProducer, teardownConsumer } from "meshroom/hooks";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function rec(what: string) {
  await sleep(Number(process.env.MESHROOM_TEST_SLEEP_MS ?? "0"));
  appendFileSync(join(process.env.MESHROOM_TEST_DIR!, "calls.log"), process.env.MESHROOM_TEST_RUN + " " + what + "\\n");
}
setupConsumer("events", async (ctx) => { await rec("consumer " + ctx.address); return { outputs: { c: 1 } }; }, { title: "consumer-setup" });
setupProducer("events", async (ctx) => { await rec("producer " + ctx.address); return { outputs: { p: 1 } }; }, { title: "producer-setup" });
teardownConsumer("events", async (ctx) => { await rec("consumer-teardown " + ctx.address); }, { title: "consumer-teardown" });
teardownProducer("events", async (ctx) => { await rec("producer-teardown " + ctx.address); }, { title: "producer-teardown" });
`;

function ring(): MeshProject {
  const m = new MeshProject();
  m.product("node", "produces:\n  events:\n    - {}\nconsumes:\n  events:\n    - {}\n", NODE_HOOKS);
  for (let i = 0; i < PLUGS; i++) m.instance("node", `n${i}`);
  for (let i = 0; i < PLUGS; i++) m.plug({ srcProduct: "node", src: `n${i}`, dstProduct: "node", dst: `n${(i + 1) % PLUGS}`, topic: "events" });
  return m;
}

function runApply(m: MeshProject, run: number, killAfterFirstCall: number | undefined): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, "-p", m.root, "apply", "--auto-approve"], {
      env: { ...process.env, CI: "true", MESHROOM_TEST_DIR: m.root, MESHROOM_TEST_RUN: String(run), MESHROOM_TEST_SLEEP_MS: String(SLEEP_MS) },
      stdio: "ignore",
    });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterFirstCall !== undefined) {
      const poll = setInterval(() => {
        if (m.calls().some((l) => l.startsWith(`${run} `))) {
          clearInterval(poll);
          timer = setTimeout(() => child.kill("SIGKILL"), killAfterFirstCall);
        }
      }, 10);
      child.on("exit", () => clearInterval(poll));
    }
    child.on("exit", (code) => {
      if (timer) clearTimeout(timer);
      done(code);
    });
  });
}

/** "consumer plug.n1.n2.events.push" keys of the setup steps state records as done (resources not tainted). */
function doneSteps(m: MeshProject): Set<string> {
  const file = join(m.root, "meshroom.state.json");
  const out = new Set<string>();
  if (!existsSync(file)) return out;
  const state = parseStateText(readFileSync(file, "utf8"), file); // throws if it does not parse
  for (const r of state.resources) {
    if (r.status === "tainted") continue;
    for (const s of r.steps_done) out.add(`${s.side === "dst" ? "consumer" : "producer"} ${r.address}`);
  }
  return out;
}

const slow = process.env.MESHROOM_SLOW === "1";
const projects: MeshProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

describe.runIf(slow)("crash safety", () => {
  it(`kill -9 at ${TRIALS} random moments never corrupts state nor repeats completed steps`, async () => {
    const m = ring();
    projects.push(m);
    let killed = 0;
    for (let run = 1; run <= TRIALS; run++) {
      const before = doneSteps(m);
      const code = await runApply(m, run, Math.floor(Math.random() * KILL_WINDOW_MS));
      if (code === null) killed++;
      const after = doneSteps(m); // parses, or throws
      const repeated = m.calls().filter((l) => l.startsWith(`${run} `)).map((l) => l.slice(String(run).length + 1)).filter((k) => before.has(k));
      expect(repeated, `run ${run} re-ran completed steps`).toEqual([]);
      expect(after.size).toBeGreaterThanOrEqual(before.size);
    }
    expect(killed, `runs killed mid-apply: ${killed} of ${TRIALS}`).toBeGreaterThanOrEqual(TRIALS / 2);
    console.log(`crash: ${killed} of ${TRIALS} runs killed mid-apply, ${doneSteps(m).size} of ${2 * PLUGS} steps done before the final apply`);
    const before = doneSteps(m);
    expect(await runApply(m, TRIALS + 1, undefined)).toBe(0);
    const last = m.calls().filter((l) => l.startsWith(`${TRIALS + 1} `)).map((l) => l.slice(String(TRIALS + 1).length + 1));
    expect(last.filter((k) => before.has(k))).toEqual([]);
    const state = JSON.parse(readFileSync(join(m.root, "meshroom.state.json"), "utf8")) as { resources: Array<{ status: string; steps_done: unknown[] }> };
    expect(state.resources).toHaveLength(2 * PLUGS);
    expect(state.resources.every((r) => r.status === "ready")).toBe(true);
    // every setup step of every plug ran exactly as often as needed: at least once overall
    const all = new Set(m.calls().map((l) => l.slice(l.indexOf(" ") + 1)));
    expect(all.size).toBe(2 * PLUGS);
  }, 600_000);
});
