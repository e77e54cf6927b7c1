import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyStateFile, LocalBackend, parseStateText } from "../../src/state/index.js";
import { backendConformance, expectCode, resource, stateWith } from "./conformance.js";

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "meshroom-state-"));
  roots.push(root);
  return root;
}
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

backendConformance("local", async () => {
  const root = await tempRoot();
  return {
    backend: new LocalBackend(root),
    reopen: () => new LocalBackend(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe("local backend files", () => {
  it("writes meshroom.state.json in the root, keeps a backup, leaves no temp files", async () => {
    const root = await tempRoot();
    const store = new LocalBackend(root).store();
    const v1 = (await store.write(stateWith(emptyStateFile(), resource("instance.a")))).state;
    expect(existsSync(join(root, "meshroom.state.json.backup"))).toBe(false);
    await store.write(stateWith(v1, resource("instance.b")));
    const current = parseStateText(await readFile(join(root, "meshroom.state.json"), "utf8"), "current");
    const backup = parseStateText(await readFile(join(root, "meshroom.state.json.backup"), "utf8"), "backup");
    expect(current.serial).toBe(2);
    expect(backup.serial).toBe(1);
    expect(backup.resources.map((r) => r.address)).toEqual(["instance.a"]);
    expect((await readdir(root)).sort()).toEqual(["meshroom.state.json", "meshroom.state.json.backup"]);
    await rm(root, { recursive: true, force: true });
  });

  it("puts other workspaces under .meshroom/workspaces/<name>/", async () => {
    const root = await tempRoot();
    const backend = new LocalBackend(root);
    await backend.store("ci").write(emptyStateFile());
    const l = await backend.store("ci").lock({ operation: "apply" });
    expect(existsSync(join(root, ".meshroom/workspaces/ci/meshroom.state.json"))).toBe(true);
    expect(existsSync(join(root, ".meshroom/workspaces/ci/state.lock"))).toBe(true);
    expect(existsSync(join(root, "meshroom.state.json"))).toBe(false);
    await l.release();
    await rm(root, { recursive: true, force: true });
  });

  it("writes a lock file with the holder's details in .meshroom/state.lock", async () => {
    const root = await tempRoot();
    const handle = await new LocalBackend(root).store().lock({ operation: "destroy" });
    const onDisk = JSON.parse(await readFile(join(root, ".meshroom/state.lock"), "utf8")) as Record<string, unknown>;
    expect(onDisk).toMatchObject({
      id: handle.id,
      operation: "destroy",
      pid: process.pid,
      host: hostname(),
      path: join(root, "meshroom.state.json"),
    });
    expect(String(onDisk.who)).toMatch(/.+@.+/);
    expect(handle.warnings).toEqual([]);
    await handle.release();
    expect(existsSync(join(root, ".meshroom/state.lock"))).toBe(false);
    await rm(root, { recursive: true, force: true });
  });

  it("breaks the lock of a dead process on this host, with a warning", async () => {
    const root = await tempRoot();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const staleId = "11111111-1111-4111-8111-111111111111";
    await mkdir(join(root, ".meshroom"));
    const stale = { id: staleId, operation: "apply", who: "bob@" + hostname(), version: "0.0.1", created: "2020-01-01T00:00:00.000Z", path: "x", pid: dead, host: hostname() };
    await writeFile(join(root, ".meshroom/state.lock"), JSON.stringify(stale));
    const handle = await new LocalBackend(root).store().lock({ operation: "apply" });
    expect(handle.warnings).toHaveLength(1);
    expect(handle.warnings[0]).toContain(staleId);
    expect(handle.warnings[0]).toContain(`process ${dead} no longer runs`);
    await handle.release();
    // a lock held by a live process elsewhere (another host) is never broken
    await writeFile(join(root, ".meshroom/state.lock"), JSON.stringify({ ...stale, host: "elsewhere" }));
    await expectCode(new LocalBackend(root).store().lock({ operation: "apply" }), "E_STATE_LOCKED");
    await rm(root, { recursive: true, force: true });
  });

  it("explains an unreadable lock file", async () => {
    const root = await tempRoot();
    await mkdir(join(root, ".meshroom"));
    await writeFile(join(root, ".meshroom/state.lock"), "");
    const err = await expectCode(new LocalBackend(root).store().lock({ operation: "apply" }), "E_STATE_LOCKED");
    expect(err.message).toContain("cannot be read");
    await rm(root, { recursive: true, force: true });
  });

  it("rejects a bad state file with E_STATE naming the file and the reason", async () => {
    const root = await tempRoot();
    const file = join(root, "meshroom.state.json");
    const store = new LocalBackend(root).store();
    await writeFile(file, "{ not json");
    expect((await expectCode(store.read(), "E_STATE")).message).toMatch(new RegExp(`${file}: not valid JSON`));
    await writeFile(file, JSON.stringify({ ...emptyStateFile(), serial: -1 }));
    expect((await expectCode(store.read(), "E_STATE")).message).toMatch(/serial/);
    await writeFile(file, JSON.stringify({ ...emptyStateFile(), version: 9 }));
    expect((await expectCode(store.read(), "E_STATE")).message).toMatch(/version 9, newer/);
    const dup = stateWith(emptyStateFile(), resource("instance.a"), resource("instance.a"));
    await writeFile(file, JSON.stringify(dup));
    expect((await expectCode(store.read(), "E_STATE")).message).toMatch(/instance\.a appears twice/);
    await writeFile(file, JSON.stringify(stateWith(emptyStateFile(), { ...resource("instance.a"), secret: "x" } as never)));
    expect((await expectCode(store.read(), "E_STATE")).message).toMatch(/secret/);
    await rm(root, { recursive: true, force: true });
  });

  it("on a failed write, saves meshroom.state.errored.json and says so", async () => {
    const root = await tempRoot();
    await mkdir(join(root, "meshroom.state.json")); // a directory where the file should be
    const err = await expectCode(new LocalBackend(root).store().write(stateWith(emptyStateFile(), resource("instance.a"))), "E_STATE_WRITE");
    const errored = join(root, "meshroom.state.errored.json");
    expect(err.message).toContain(errored);
    const saved = parseStateText(await readFile(errored, "utf8"), errored);
    expect(saved.resources.map((r) => r.address)).toEqual(["instance.a"]);
    await rm(root, { recursive: true, force: true });
  });

  it("writeSync follows the same rules as write", async () => {
    const root = await tempRoot();
    const store = new LocalBackend(root).store();
    const v1 = store.writeSync(stateWith(emptyStateFile(), resource("instance.a"))).state;
    expect(v1.serial).toBe(1);
    expect(store.writeSync(v1).written).toBe(false);
    const v2 = await store.write(stateWith(v1, resource("instance.b")));
    expect(v2.state.serial).toBe(2);
    expect(() => store.writeSync(stateWith(v1, resource("instance.c")))).toThrow(/changed since it was read/);
    expect((await store.read())?.serial).toBe(2);
    await rm(root, { recursive: true, force: true });
  });
});
