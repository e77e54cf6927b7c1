#!/usr/bin/env node
// `npm run demo`: the quickstart mesh, for real, in a temporary copy of examples/quickstart.
// A webhook sender pushes events to a MozDef-style intake (a real HTTP service started by a
// hook), a SIEM-like sink pulls them from its queue, and an invalid event lands in the
// dead-letter queue. Every step prints the command it runs; the demo checks what each step
// printed and exits 1 (after tearing everything down) when something is not as expected.
//
// Your own meshroom config is untouched: XDG_CONFIG_HOME points into the temporary folder,
// where `meshroom secrets init` creates a throw-away key (no passphrase).
// Flags: --keep keeps the temporary folder; --quiet prints only the summary.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(REPO, "bin", "meshroom.js");
const EXAMPLE = join(REPO, "examples", "quickstart");
const STEP_TIMEOUT_MS = 60_000;

const argv = new Set(process.argv.slice(2));
const quiet = argv.has("--quiet");
const keep = argv.has("--keep");
const say = (line = "") => {
  if (!quiet) process.stdout.write(line + "\n");
};

const EVENTS = [
  '{"summary":"user alice logged in","category":"authentication","severity":"INFO","hostname":"web-1","tags":["login"]}',
  '{"summary":"5 failed logins for bob","category":"authentication","severity":"WARNING","hostname":"web-1"}',
  '{"category":"network","hostname":"fw-1"}',
  "disk /var on db-1 is 91% full",
];
const VALID_SUMMARIES = ["user alice logged in", "5 failed logins for bob", "disk /var on db-1 is 91% full"];

const work = mkdtempSync(join(tmpdir(), "meshroom-demo-"));
const project = join(work, "quickstart");
const env = { ...process.env, XDG_CONFIG_HOME: join(work, "config"), CI: "true", NO_COLOR: "1", MESHROOM_CLI: BIN };
for (const k of ["MESHROOM_GPG_KEY", "MESHROOM_PASSPHRASE", "FORCE_COLOR"]) delete env[k];

// `npm run demo | head` must not kill the demo half-way (and leave the intake running)
process.stdout.on("error", () => undefined);

let current; // the child running now (killed on Ctrl-C)
let interrupted = false;
process.on("SIGINT", () => {
  interrupted = true;
  current?.kill("SIGTERM");
});

/** Runs `meshroom ARGS` in the project, echoing its output indented; resolves with what it printed. */
function meshroom(args, { input, timeoutMs = STEP_TIMEOUT_MS, echo = true, extraEnv = {} } = {}) {
  if (interrupted) return Promise.reject(new Error("interrupted"));
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { ...env, ...extraEnv }, stdio: ["pipe", "pipe", "pipe"] });
    current = child;
    let stdout = "";
    let stderr = "";
    const show = (chunk) => {
      if (echo && !quiet) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, "    "));
    };
    child.stdout.on("data", (c) => ((stdout += c), show(c)));
    child.stderr.on("data", (c) => ((stderr += c), show(c)));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolveRun({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

let stepNo = 0;
const TOTAL_STEPS = 8;
function step(title, why, shown) {
  stepNo++;
  say();
  say(`── ${stepNo}/${TOTAL_STEPS}  ${title}`);
  for (const line of why.split("\n")) say(`   ${line}`);
  say(`   $ ${shown}`);
}

async function ok(args, opts) {
  const t0 = Date.now();
  const r = await meshroom(args, opts);
  if (interrupted) throw new Error("interrupted (Ctrl-C)");
  if (r.code !== 0) throw new Error(`\`meshroom ${args.join(" ")}\` exited with ${r.code}`);
  say(`    (done in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return r;
}

function check(cond, what) {
  if (!cond) throw new Error(`unexpected result: ${what}`);
}

/** The intakes started by hooks: one folder per instance under .meshroom/run/. */
function runningPids() {
  const runDir = join(project, ".meshroom", "run");
  if (!existsSync(runDir)) return [];
  const pids = [];
  for (const name of readdirSync(runDir)) {
    const file = join(runDir, name, "intake.pid");
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0) pids.push({ pid, file });
  }
  return pids;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

async function demo(seen) {
  cpSync(EXAMPLE, project, {
    recursive: true,
    filter: (src) => !/(^|[\\/])(\.meshroom|meshroom\.state\.json.*|secrets\.gpg|node_modules)$/.test(relative(EXAMPLE, src)),
  });
  say(`meshroom quickstart in ${project}`);
  say("A webhook sender → a MozDef-style event intake → a SIEM-like sink, with real hooks and a real service.");

  step("Initialise", "`init` on an existing project is a no-op: the quickstart already is a meshroom project.", "meshroom init .");
  await ok(["init", "."]);

  step("Create a key for the secrets store", "Tokens go to secrets.gpg, encrypted with OpenPGP. This key is a throw-away one,\nin a temporary config dir (your own ~/.config is untouched).", "meshroom secrets init --name demo");
  await ok(["secrets", "init", "--name", "demo"]);

  step("Plan", "What apply would do: start the intake, create a source for the webhook and a reader for the sink.", "meshroom plan");
  await ok(["plan"]);

  step("Apply", "Hooks start `meshroom intake serve` in the background and hand out per-plug tokens.", "meshroom apply --auto-approve");
  seen.applied = true; // from here on, clean-up runs destroy even if apply fails half-way
  await ok(["apply", "--auto-approve"]);
  const pids = runningPids();
  check(pids.length === 1 && pids.every((p) => alive(p.pid)), "apply should leave exactly one intake running");
  seen.pids = pids.map((p) => p.pid);

  step("Produce four events (one invalid)", "Each stdin line is POSTed to the intake with the plug's token. The third line has neither\na summary nor a payload: the intake rejects it into its dead-letter queue.", "meshroom produce events webhook intake  < events.txt");
  const produced = await ok(["produce", "events", "webhook", "intake"], { input: EVENTS.join("\n") + "\n" });
  const answers = produced.stdout.trim().split("\n").map((l) => JSON.parse(l));
  check(answers.length === 4, `4 answers from produce, got ${answers.length}`);
  check(answers.filter((a) => a.status === 202).length === 3, "3 events accepted");
  check(answers[2].status === 422, "the third event rejected");

  step("Watch the sink", "The sink pulls the intake's queue with its own reader token: the three valid events arrive.", "meshroom watch events intake siem --count 3 --timeout 10");
  const watched = await ok(["watch", "events", "intake", "siem", "--count", "3", "--timeout", "10"]);
  const events = watched.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  check(events.length === 3, `3 events watched, got ${events.length}`);
  check(events.every((e, i) => e.summary === VALID_SUMMARIES[i] && e.eventsource === "meshroom-intake"), "the watched events are the valid ones, in order");

  step(
    "Look at the dead-letter queue",
    "The admin token is an instance secret; with it `meshroom intake dlq` asks the running intake\nwhat it rejected, and why.",
    "MESHROOM_INTAKE_ADMIN_TOKEN=$(meshroom secrets get instance:intake admin_token) meshroom intake dlq --dir .meshroom/run/intake/data",
  );
  const token = (await ok(["secrets", "get", "instance:intake", "admin_token"], { echo: false })).stdout.trim();
  const dlqArgs = ["intake", "dlq", "--dir", join(".meshroom", "run", "intake", "data")];
  await ok(dlqArgs, { extraEnv: { MESHROOM_INTAKE_ADMIN_TOKEN: token } });
  const dlq = JSON.parse((await ok([...dlqArgs, "--json"], { echo: false, extraEnv: { MESHROOM_INTAKE_ADMIN_TOKEN: token } })).stdout);
  check(dlq.via === "server" && dlq.total === 1, `one dead letter, from the running intake; got ${JSON.stringify({ via: dlq.via, total: dlq.total })}`);
  const [dead] = dlq.entries;
  say(`    the rejected event itself (in --json): ${JSON.stringify({ id: dead.id, raw: dead.raw })}`);
  check(dead.raw === EVENTS[2] && /summary|payload/.test(dead.reason), "the dead letter is the invalid event, with its reason");

  step("Destroy", "Teardown hooks revoke the tokens and stop the intake.", "meshroom destroy --auto-approve");
  await ok(["destroy", "--auto-approve"]);
  seen.destroyed = true;
  check(runningPids().length === 0, "no pid file left under .meshroom/run");
  check(seen.pids.every((pid) => !alive(pid)), "no intake process left");
}

async function cleanUp(seen) {
  if (seen.applied && !seen.destroyed) {
    say("\nCleaning up: meshroom destroy --auto-approve");
    interrupted = false;
    await meshroom(["destroy", "--auto-approve"], { timeoutMs: 30_000 }).catch(() => undefined);
  }
  // whatever destroy could not stop: SIGTERM, then SIGKILL, to each intake's process group
  const left = [...new Set([...(seen.pids ?? []), ...runningPids().map((p) => p.pid)])].filter(alive);
  for (const sig of ["SIGTERM", "SIGKILL"]) {
    for (const pid of left.filter(alive)) {
      try {
        process.kill(-pid, sig);
      } catch {
        try {
          process.kill(pid, sig);
        } catch {
          /* gone */
        }
      }
    }
    const until = Date.now() + 3000;
    while (left.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }
  return left.filter(alive);
}

const started = Date.now();
const seen = { applied: false, destroyed: false, pids: [] };
let failure;
try {
  await demo(seen);
} catch (e) {
  failure = e;
}
const left = await cleanUp(seen);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failure || left.length > 0) {
  process.stderr.write(`\ndemo FAILED after ${seconds} s: ${failure ? failure.message : ""}\n`);
  if (left.length > 0) process.stderr.write(`processes still running: ${left.join(", ")}\n`);
  process.stderr.write(`the project is kept in ${project} for a look (logs in .meshroom/run/)\n`);
  process.exit(1);
}
if (!keep) rmSync(work, { recursive: true, force: true });
process.stdout.write(`\ndemo OK in ${seconds} s: 3 events delivered, 1 in the dead-letter queue, nothing left running.\n`);
