// The quickstart for real: `npm run demo`'s script end to end, then the drift story on a
// temp copy of examples/quickstart (apply → "No changes." → someone deletes the intake
// source → plan shows it → apply recreates it → destroy leaves no process). Real intake
// processes on free loopback ports; every test kills what it started.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive as alive } from "../../src/util/process.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(REPO, "bin", "meshroom.js");
const EXAMPLE = join(REPO, "examples", "quickstart");

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
      return;
    } catch {
      // try the next form, or it is gone
    }
  }
}

/** Pids in <project>/.meshroom/run/<instance>/intake.pid, and the folders found there. */
function pidFiles(project: string): number[] {
  const run = join(project, ".meshroom", "run");
  if (!existsSync(run)) return [];
  return readdirSync(run)
    .map((name) => join(run, name, "intake.pid"))
    .filter((f) => existsSync(f))
    .map((f) => Number(readFileSync(f, "utf8").trim()));
}

describe("npm run demo", () => {
  it("runs the whole quickstart, checks each step and leaves nothing running", async () => {
    const loadFactor = Math.max(1, loadavg()[0]! / availableParallelism());
    const r = await execa(process.execPath, [join(REPO, "scripts", "demo.js")], {
      cwd: REPO, reject: false, timeout: 90_000, env: { NO_COLOR: "1" }, extendEnv: true,
    });
    const out = r.stdout;
    const kept = /the project is kept in (\S+)/.exec(r.stderr)?.[1];
    if (kept) rmSync(join(kept, ".."), { recursive: true, force: true });
    expect(r.stderr, out).not.toMatch(/FAILED/);
    expect(r.exitCode, `${out}\n${r.stderr}`).toBe(0);
    // every step is announced with the command it runs
    for (const cmd of ["meshroom init .", "meshroom secrets init", "meshroom plan", "meshroom apply --auto-approve",
      "meshroom produce events webhook intake", "meshroom watch events intake siem --count 3 --timeout 10", "meshroom destroy --auto-approve"]) {
      expect(out).toContain(`$ ${cmd}`);
    }
    // three accepted, one rejected into the DLQ with its reason
    expect(out.match(/"status":202/g)).toHaveLength(3);
    expect(out).toMatch(/"status":422,.*"rejected":"invalid event: an event needs a non-empty `summary` string or a `payload`"/);
    // the sink saw the valid events as MozDef-style envelopes, in order
    const watched = out.split("\n").filter((l) => l.includes('"eventsource":"meshroom-intake"')).map((l) => JSON.parse(l.trim()) as { offset: number; summary: string });
    expect(watched.map((e) => [e.offset, e.summary])).toEqual([
      [1, "user alice logged in"], [2, "5 failed logins for bob"], [3, "disk /var on db-1 is 91% full"],
    ]);
    expect(out).toContain('"raw":"{\\"category\\":\\"network\\",\\"hostname\\":\\"fw-1\\"}"');
    expect(out).toContain("Destroy complete!");
    // The spec's budget is 15 s on an idle machine; a loaded one (parallel test files on two
    // cores) gets more time in proportion, so the check measures the demo, not the neighbours.
    const seconds = Number(/demo OK in ([\d.]+) s/.exec(out)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(15 * loadFactor);
    // its temp project is gone with the intake it started
    const project = /meshroom quickstart in (\S+)/.exec(out)?.[1] ?? "";
    expect(project).not.toBe("");
    expect(existsSync(project)).toBe(false);
  }, 180_000);

  it("interrupted after apply, still destroys what it started and exits 1", async () => {
    const child = execa(process.execPath, [join(REPO, "scripts", "demo.js")], {
      cwd: REPO, reject: false, timeout: 90_000, env: { NO_COLOR: "1" }, extendEnv: true,
    });
    let out = "";
    let sent = false;
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      // Ctrl-C while events are being produced, i.e. with the intake running
      if (!sent && out.includes("── 5/8")) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const r = await child;
    const pid = Number(/started the intake \(pid (\d+)\)/.exec(out)?.[1]);
    const kept = /the project is kept in (\S+)/.exec(r.stderr)?.[1];
    try {
      expect(sent).toBe(true);
      expect(r.exitCode, `${out}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toContain("demo FAILED");
      expect(r.stderr).not.toContain("processes still running");
      expect(out).toContain("Cleaning up: meshroom destroy --auto-approve");
      expect(out).toContain("Destroy complete!");
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(false);
      expect(kept && pidFiles(kept)).toEqual([]);
    } finally {
      if (pid > 0 && alive(pid)) killGroup(pid);
      if (kept) rmSync(join(kept, ".."), { recursive: true, force: true });
    }
  }, 180_000);
});

describe("quickstart drift: a deleted intake source", () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const started = new Set<number>();

  const meshroom = async (args: string[], input = "") => {
    const r = await execa(process.execPath, [BIN, ...args], { cwd: project, reject: false, input, timeout: 60_000, env, extendEnv: false });
    for (const pid of pidFiles(project)) started.add(pid);
    return r;
  };
  const admin = async (method: string, path: string) => {
    const token = (await meshroom(["secrets", "get", "instance:intake", "admin_token"])).stdout.trim();
    const ready = JSON.parse(readFileSync(join(project, ".meshroom", "run", "intake", "ready.json"), "utf8")) as { port: number };
    const res = await fetch(`http://127.0.0.1:${ready.port}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "meshroom-qs-test-"));
    project = join(work, "quickstart");
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/[\\/](\.meshroom|meshroom\.state\.json.*|secrets\.gpg)$/.test(src) });
    // a throw-away key without passphrase, in a temp config dir: the user's own key is never used
    env = { ...process.env, XDG_CONFIG_HOME: join(work, "config"), CI: "true", NO_COLOR: "1", MESHROOM_CLI: BIN };
    for (const k of ["MESHROOM_GPG_KEY", "MESHROOM_PASSPHRASE", "FORCE_COLOR"]) delete env[k];
    const init = await meshroom(["secrets", "init", "--name", "test"]);
    expect(init.exitCode, init.stderr).toBe(0);
  });

  afterAll(async () => {
    if (project && existsSync(join(project, "meshroom.state.json"))) await meshroom(["destroy", "--auto-approve"]);
    for (const pid of started) if (alive(pid)) killGroup(pid);
    rmSync(work, { recursive: true, force: true });
  });

  it("plans no changes after apply, shows the drift, recreates the source, and destroys cleanly", async () => {
    const applied = await meshroom(["apply", "--auto-approve"]);
    expect(applied.exitCode, `${applied.stdout}\n${applied.stderr}`).toBe(0);
    const [pid] = pidFiles(project);
    expect(pid && alive(pid)).toBe(true);

    const clean = await meshroom(["plan", "--detailed-exitcode"]);
    expect(clean.stdout, clean.stderr).toContain("No changes.");
    expect(clean.exitCode).toBe(0);

    // someone revokes the webhook's source behind meshroom's back
    expect((await admin("GET", "/admin/sources/webhook")).status).toBe(200);
    expect((await admin("DELETE", "/admin/sources/webhook")).status).toBe(200);
    const oldToken = (await meshroom(["secrets", "get", "plug:webhook.intake.events.push", "token"])).stdout.trim();

    const drift = await meshroom(["plan", "--detailed-exitcode"]);
    expect(drift.exitCode, `${drift.stdout}\n${drift.stderr}`).toBe(2);
    expect(drift.stdout).toContain("plug.webhook.intake.events.push");
    expect(drift.stdout).not.toContain("No changes.");
    // only the deleted source drifted: the intake itself and the sink's plug are untouched
    expect(drift.stdout).not.toMatch(/instance\.intake (will|must) be/);
    expect(drift.stdout).not.toMatch(/plug\.intake\.siem\.events\.pull (will|must) be/);

    const fixed = await meshroom(["apply", "--auto-approve"]);
    expect(fixed.exitCode, `${fixed.stdout}\n${fixed.stderr}`).toBe(0);
    expect((await admin("GET", "/admin/sources/webhook")).status).toBe(200);
    const newToken = (await meshroom(["secrets", "get", "plug:webhook.intake.events.push", "token"])).stdout.trim();
    expect(newToken).not.toBe(oldToken);
    expect(pidFiles(project)).toEqual([pid]);

    // the recreated token works end to end
    const produced = await meshroom(["produce", "events", "webhook", "intake"], '{"summary":"after the fix"}\n');
    expect(produced.exitCode, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stdout.trim())).toMatchObject({ status: 202, accepted: 1 });
    expect((await meshroom(["plan", "--detailed-exitcode"])).exitCode).toBe(0);

    const destroyed = await meshroom(["destroy", "--auto-approve"]);
    expect(destroyed.exitCode, `${destroyed.stdout}\n${destroyed.stderr}`).toBe(0);
    expect(pidFiles(project)).toEqual([]);
    expect(alive(pid as number)).toBe(false);
    expect(existsSync(join(project, ".meshroom", "run", "intake", "data"))).toBe(false);
  }, 180_000);

  it("reports a stopped intake as drift and starts it again", async () => {
    expect((await meshroom(["apply", "--auto-approve"])).exitCode).toBe(0);
    const [pid] = pidFiles(project);
    expect(pid && alive(pid)).toBe(true);
    killGroup(pid as number);
    for (let i = 0; i < 100 && alive(pid as number); i++) await new Promise((r) => setTimeout(r, 20));

    const drift = await meshroom(["plan", "--detailed-exitcode"]);
    expect(drift.exitCode, `${drift.stdout}\n${drift.stderr}`).toBe(2);
    expect(drift.stdout).toContain("instance.intake");

    const again = await meshroom(["apply", "--auto-approve"]);
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
    const [restarted] = pidFiles(project);
    expect(restarted).not.toBe(pid);
    expect(restarted && alive(restarted)).toBe(true);
    const produced = await meshroom(["produce", "events", "webhook", "intake"], "hello again\n");
    expect(JSON.parse(produced.stdout.trim()), produced.stderr).toMatchObject({ status: 202, accepted: 1 });

    expect((await meshroom(["destroy", "--auto-approve"])).exitCode).toBe(0);
    expect(alive(restarted as number)).toBe(false);
  }, 180_000);
});
