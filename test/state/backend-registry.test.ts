import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ProjectFileSchema } from "../../src/project/project-file.js";
import { registerStateBackend, stateBackendTypes, unregisterStateBackend } from "../../src/state/backends.js";
import { emptyStateFile } from "../../src/state/index.js";
import { openStateBackend } from "../../src/state/open-backend.js";
import { backendConformance, resource, stateWith } from "./conformance.js";
import { dropBucket, MemoryBackend, memoryBackendKind } from "./memory-backend.js";

// The in-memory backend is registered like a new backend would be: one registry call.
registerStateBackend(memoryBackendKind);
afterAll(() => unregisterStateBackend("memory"));

let n = 0;
const roots: string[] = [];
function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), "meshroom-reg-"));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

backendConformance("memory (registered through the registry)", async () => {
  const bucket = `b${process.pid}-${++n}`;
  const backend = await openStateBackend(tempRoot(), { type: "memory", bucket }, {});
  return { backend, reopen: () => new MemoryBackend(bucket), cleanup: async () => dropBucket(bucket) };
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { f(String(chunk)); cb(); } });
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(args, { stdin, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: { CI: "true", NO_COLOR: "1" } });
  return { code, stdout, stderr };
}

describe("state backend registry", () => {
  it("derives meshroom.yaml's `backend:` schema from the registered kinds", () => {
    expect(stateBackendTypes()).toEqual(["local", "pg", "memory"]);
    expect(ProjectFileSchema.safeParse({ backend: { type: "memory", bucket: "b" } }).success).toBe(true);
    // every kind's fields are accepted whatever the type (state migrate reads pg's next to `type: local`)
    expect(ProjectFileSchema.safeParse({ backend: { type: "local", conn_str_env: "TEAM_PG", bucket: "b" } }).success).toBe(true);
    const bad = ProjectFileSchema.safeParse({ backend: { type: "nope" } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/local.*pg.*memory/);
    expect(ProjectFileSchema.safeParse({ backend: { type: "memory", colour: "red" } }).success).toBe(false);
  });

  it("refuses a second kind of the same type or one redeclaring another kind's setting", () => {
    expect(() => registerStateBackend(memoryBackendKind)).toThrow(/already registered/);
    const clash = { ...memoryBackendKind, type: "clash", settingsSchema: memoryBackendKind.settingsSchema.extend({ conn_str: memoryBackendKind.settingsSchema.shape.bucket }) };
    expect(() => registerStateBackend(clash)).toThrow(/both declare the setting `conn_str`/);
  });

  it("the CLI uses a registered backend: state commands, and `state migrate` to the local files", async () => {
    const root = tempRoot();
    const bucket = `cli${process.pid}`;
    writeFileSync(join(root, "meshroom.yaml"), `name: t\nbackend: { type: memory, bucket: ${bucket} }\n`);
    const mem = new MemoryBackend(bucket);
    await mem.store().write(stateWith(emptyStateFile(), resource("instance.a")));
    try {
      const list = await run("state", "list", "-p", root);
      expect(list.stderr).toBe("");
      expect(list.stdout).toBe("instance.a\n");

      const bogus = await run("state", "migrate", "--to", "bogus", "-p", root);
      expect(bogus.code).not.toBe(0);
      expect(bogus.stderr).toContain('--to expects pg, memory or local, got "bogus"');

      const migrated = await run("state", "migrate", "--to", "local", "-p", root);
      expect(migrated.stderr).toBe("");
      expect(migrated.stdout).toContain("Migrated 1 workspace state(s) from memory to local.");
      expect(migrated.stdout).toContain("Now set `backend: { type: local }`");
      expect(JSON.parse(readFileSync(join(root, "meshroom.state.json"), "utf8")).resources[0].address).toBe("instance.a");

      const help = await run("state", "migrate", "--help");
      expect(help.stdout.replace(/\s+/g, " ")).toContain("PostgreSQL (--to pg), process memory (tests) (--to memory) or back (--to local)");
    } finally {
      dropBucket(bucket);
    }
    expect(existsSync(join(root, ".meshroom", "state.lock"))).toBe(false);
  });
});
