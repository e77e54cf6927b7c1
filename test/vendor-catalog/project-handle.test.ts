// The pull hook's project handle: raw manifests written with writeProductFile are checked
// (a catalog's bad file never lands in the project) and writes are reported only on change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProjectHandle } from "../../src/engine/live/project-handle.js";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function project() {
  root = mkdtempSync(join(tmpdir(), "meshroom-handle-"));
  writeFileSync(join(root, "meshroom.yaml"), "backend:\n  type: local\n");
  const changes: string[] = [];
  return { root, changes, handle: createProjectHandle(root, changes) };
}

describe("writeProductFile", () => {
  it("writes a valid definition verbatim, reports it once, then is silent", async () => {
    const { root, changes, handle } = project();
    const text = "# kept comment\nname: ids\nproduces:\n  events: [{}]\n";
    await handle.writeProductFile("ids", "definition.yaml", text);
    await handle.writeProductFile("ids", "definition.yaml", text);
    expect(readFileSync(join(root, "products/ids/definition.yaml"), "utf8")).toBe(text);
    expect(changes).toEqual(["created products/ids/definition.yaml"]);
    await handle.writeProductFile("ids", "definition.yaml", text.replace("events", "alerts"));
    expect(changes).toEqual(["created products/ids/definition.yaml", "updated products/ids/definition.yaml"]);
  });

  it("refuses an invalid definition or integration file and writes nothing", async () => {
    const { root, changes, handle } = project();
    await expect(handle.writeProductFile("ids", "definition.yaml", "name: ids\nproduce: {}\n")).rejects.toThrow(/products\/ids\/definition.yaml is invalid/);
    await expect(handle.writeProductFile("ids", "integrations/siem/events_producer.yaml", "role: [oops\n")).rejects.toThrow(/is invalid/);
    await expect(handle.writeProductFile("ids", "integrations/siem/not_an_integration.yaml", "topic: x\n")).rejects.toThrow(/integration file names/);
    expect(changes).toEqual([]);
    expect(() => readFileSync(join(root, "products/ids/definition.yaml"))).toThrow();
  });

  it("does not check other files (hooks, docs)", async () => {
    const { changes, handle } = project();
    await handle.writeProductFile("ids", "integrations/siem/events_producer.ts", "export {};\n");
    expect(changes).toEqual(["created products/ids/integrations/siem/events_producer.ts"]);
  });
});
