/**
 * Issue 20 item 8, in-process with a registered in-memory backend: switching meshroom.yaml's
 * backend while the previous one holds the state is refused until `state migrate` copied it (or
 * `--no-copy` said the new backend starts without it). The same with a real PostgreSQL server is
 * in backend-switch-pg.slow.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { registerStateBackend, unregisterStateBackend } from "../../src/state/backends.js";
import { emptyStateFile, LocalBackend } from "../../src/state/index.js";
import { openProjectStateStore } from "../../src/state/open-backend.js";
import { BACKEND_RECORD_FILE } from "../../src/state/backend-switch.js";
import { resource, stateWith } from "./conformance.js";
import { dropBucket, MemoryBackend, memoryBackendKind } from "./memory-backend.js";

registerStateBackend(memoryBackendKind);
afterAll(() => unregisterStateBackend("memory"));

let n = 0;
const roots: string[] = [];
const buckets: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  for (const b of buckets.splice(0)) dropBucket(b);
});

/** A project whose local state holds two resources, and a fresh memory bucket. */
async function projectWithLocalState(): Promise<{ root: string; bucket: string }> {
  const root = mkdtempSync(join(tmpdir(), "meshroom-switch-"));
  roots.push(root);
  const bucket = `sw${process.pid}-${++n}`;
  buckets.push(bucket);
  writeFileSync(join(root, "meshroom.yaml"), "name: t\n");
  await new LocalBackend(root).store().write(stateWith(emptyStateFile(), resource("instance.a"), resource("instance.b")));
  return { root, bucket };
}

function useBackend(root: string, yaml: string): void {
  writeFileSync(join(root, "meshroom.yaml"), `name: t\nbackend: ${yaml}\n`);
}

async function run(root: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { f(String(chunk)); cb(); } });
  const stdin = new PassThrough();
  stdin.end();
  const code = await main([...args, "-p", root], { stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: { CI: "true", NO_COLOR: "1" } });
  return { code, stdout, stderr };
}

describe("a state backend switch (issue 20 item 8)", () => {
  it("is refused while the local files hold the state, and allowed once `state migrate` copied it", async () => {
    const { root, bucket } = await projectWithLocalState();
    useBackend(root, `{ type: memory, bucket: ${bucket} }`);

    const refused = await run(root, "state", "list");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("meshroom.yaml now configures the memory state backend, but this project's state is in the local backend: it holds this project's state (default: 2 resources)");
    expect(refused.stderr).toContain("`meshroom state migrate --to memory`");
    expect(refused.stderr).toContain("`meshroom state migrate --to memory --no-copy`");
    await expect(openProjectStateStore(root, { type: "memory", bucket }, {})).rejects.toMatchObject({ code: "E_STATE" });
    expect((await new MemoryBackend(bucket).store().read())).toBeUndefined(); // nothing was written there

    const migrated = await run(root, "state", "migrate", "--to", "memory");
    expect(migrated.stderr).toBe("");
    expect(migrated.stdout).toContain("Migrated 1 workspace state(s) from local to memory.");
    expect(readFileSync(join(root, BACKEND_RECORD_FILE), "utf8")).toBe("memory\n");
    const local = await new LocalBackend(root).store().read();
    const copied = await new MemoryBackend(bucket).store().read();
    expect(copied?.lineage).toBe(local?.lineage);
    expect(copied?.serial).toBe(local?.serial);

    const list = await run(root, "state", "list");
    expect(list.stderr).toBe("");
    expect(list.stdout).toBe("instance.a\ninstance.b\n");

    // and back: meshroom.yaml says local again while the memory backend holds the state
    useBackend(root, `{ type: local, bucket: ${bucket} }`);
    const back = await run(root, "state", "list");
    expect(back.code).toBe(1);
    expect(back.stderr).toContain("meshroom.yaml now configures the local state backend, but this project's state is in the memory backend");
    expect(back.stderr).toContain("`meshroom state migrate --from memory --to local`");
    expect((await run(root, "state", "migrate", "--from", "memory", "--to", "local")).code).toBe(0);
    expect((await run(root, "state", "list")).stdout).toBe("instance.a\ninstance.b\n");
  });

  it("`--no-copy` says the new backend starts without the local state (left untouched)", async () => {
    const { root, bucket } = await projectWithLocalState();
    const before = readFileSync(join(root, "meshroom.state.json"), "utf8");
    useBackend(root, `{ type: memory, bucket: ${bucket} }`);
    expect((await run(root, "state", "list")).code).toBe(1);
    const r = await run(root, "state", "migrate", "--to", "memory", "--no-copy");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Copied nothing");
    const list = await run(root, "state", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toBe("");
    expect(readFileSync(join(root, "meshroom.state.json"), "utf8")).toBe(before);
    expect((await run(root, "state", "migrate", "--to", "memory", "--no-copy", "--force")).stderr).toContain("--no-copy copies nothing");
  });

  it("is allowed at once when the previous backend holds no resources (a fresh checkout of a pg project)", async () => {
    const root = mkdtempSync(join(tmpdir(), "meshroom-switch-"));
    roots.push(root);
    const bucket = `sw${process.pid}-${++n}`;
    buckets.push(bucket);
    useBackend(root, `{ type: memory, bucket: ${bucket} }`);
    await new MemoryBackend(bucket).store().write(stateWith(emptyStateFile(), resource("instance.shared")));
    const list = await run(root, "state", "list");
    expect(list.stderr).toBe("");
    expect(list.stdout).toBe("instance.shared\n");
    expect(readFileSync(join(root, BACKEND_RECORD_FILE), "utf8")).toBe("memory\n");
  });
});
