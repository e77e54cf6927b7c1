// The local state file in two unusual shapes: a directory where the file should be (a bare
// `EISDIR` named no path), and a file starting with a UTF-8 byte order mark (it was refused).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emptyStateFile, LocalBackend } from "../../src/state/index.js";
import { expectCode, resource, stateWith } from "./conformance.js";

const roots: string[] = [];
function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), "meshroom-edges-"));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe("local state file edge cases", () => {
  it("a directory at the state path is an error naming the path and saying it is a directory", async () => {
    const root = tempRoot();
    const path = join(root, "meshroom.state.json");
    mkdirSync(path);
    const store = new LocalBackend(root).store();
    const read = await expectCode(store.read(), "E_STATE");
    expect(read.message).toBe(`Cannot read the state: ${path} is a directory, not a file`);
    expect(() => store.readSync()).toThrow(`${path} is a directory`);
    const write = await expectCode(store.write(stateWith(emptyStateFile(), resource("instance.a"))), "E_STATE_WRITE");
    expect(write.message).toContain(`Failed to save state to ${path}: ${path} is a directory, not a file`);
    expect(() => store.writeSync(stateWith(emptyStateFile(), resource("instance.a")))).toThrow(`${path} is a directory, not a file`);
  });

  it("a UTF-8 byte order mark at the start of the state file is accepted, and never written", async () => {
    const root = tempRoot();
    const path = join(root, "meshroom.state.json");
    const first = (await new LocalBackend(root).store().write(stateWith(emptyStateFile(), resource("instance.a")))).state;
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path)]));
    const store = new LocalBackend(root).store();
    expect((await store.read())?.resources.map((r) => r.address)).toEqual(["instance.a"]);
    expect(new LocalBackend(root).store().readSync()?.serial).toBe(first.serial);
    await store.write(stateWith(first, resource("instance.b")));
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes[0]).toBe("{".charCodeAt(0));
  });
});
