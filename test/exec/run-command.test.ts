import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive, runCommand } from "../../src/exec/index.js";
import { MeshroomError } from "../../src/errors/index.js";
import { registerSecretValue } from "../../src/util/redact.js";

const dir = mkdtempSync(join(tmpdir(), "meshroom-exec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<MeshroomError> {
  try {
    await p;
  } catch (e) {
    return e as MeshroomError;
  }
  throw new Error("expected a failure");
}

describe("runCommand", () => {
  it("returns stdout, stderr and the exit code; passes stdin, cwd and env", async () => {
    const r = await runCommand("sh", ["-c", 'read line; echo "$line from $(pwd) $FOO"; echo warn >&2'], {
      cwd: dir, input: "hello\n", env: { FOO: "bar" },
    });
    expect(r).toEqual({ stdout: `hello from ${dir} bar\n`, stderr: "warn\n", exitCode: 0 });
  });

  it("throws E_EXEC on a non-zero exit with the command, the code and the last lines of stderr, redacted", async () => {
    registerSecretValue("hunter2-secret");
    const script = 'for i in $(seq 1 30); do echo "line $i" >&2; done; echo "token hunter2-secret" >&2; exit 4';
    const e = await failure(runCommand("sh", ["-c", script, "hunter2-secret"], { cwd: dir }));
    expect(e.code).toBe("E_EXEC");
    expect(e.message).toContain("exited with code 4");
    expect(e.message).toMatch(/^`sh -c /);
    expect(e.message).not.toContain("hunter2-secret");
    expect(e.detail).toContain("token (sensitive value)");
    expect(e.detail).toContain("line 30");
    expect(e.detail).not.toContain("line 5\n");
  });

  it("returns a non-zero exit when asked not to reject", async () => {
    const r = await runCommand("sh", ["-c", "echo out; exit 2"], { cwd: dir, rejectOnExitCode: false });
    expect(r).toMatchObject({ stdout: "out\n", exitCode: 2 });
  });

  it("throws E_EXEC when the program cannot be started", async () => {
    const e = await failure(runCommand("meshroom-no-such-program", [], { cwd: dir }));
    expect(e.code).toBe("E_EXEC");
    expect(e.message).toContain("could not run `meshroom-no-such-program`");
    expect(e.detail).toContain("PATH");
  });

  it("kills the whole process tree on timeout", async () => {
    const pidFile = join(dir, "timeout.pid");
    const t0 = Date.now();
    const e = await failure(runCommand("sh", ["-c", `sleep 60 & echo $! > ${pidFile}; wait`], { cwd: dir, timeoutMs: 300 }));
    expect(e.code).toBe("E_EXEC");
    expect(e.message).toContain("timed out after 300ms");
    expect(Date.now() - t0).toBeLessThan(5000);
    const pid = Number(readFileSync(pidFile, "utf8"));
    await expect.poll(() => isAlive(pid), { timeout: 3000 }).toBe(false);
  });

  it("kills the process tree on abort, and does not start when already aborted", async () => {
    const pidFile = join(dir, "abort.pid");
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    const e = await failure(runCommand("sh", ["-c", `sleep 60 & echo $! > ${pidFile}; wait`], { cwd: dir, signal: ctl.signal }));
    expect(e.code).toBe("E_EXEC");
    expect(e.message).toContain("was aborted");
    const pid = Number(readFileSync(pidFile, "utf8"));
    await expect.poll(() => isAlive(pid), { timeout: 3000 }).toBe(false);

    const e2 = await failure(runCommand("sh", ["-c", "exit 0"], { cwd: dir, signal: AbortSignal.abort() }));
    expect(e2.message).toContain("was not started");
  });

  it("uses the given redaction for messages", async () => {
    const e = await failure(runCommand("sh", ["-c", "echo custom-private >&2; exit 1"], { cwd: dir, redact: (s) => s.replaceAll("custom-private", "***") }));
    expect(e.detail).toBe("***");
  });
});
