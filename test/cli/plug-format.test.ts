// A second `plug` of the same link with another format is refused, naming the existing plug and
// how to change it (issue 20, item 6); the same request again is still a no-op.
import { beforeAll, describe, expect, it } from "vitest";
import { initProject, meshroom, ok, read, snapshot } from "./helpers.js";

let root: string;
beforeAll(async () => {
  root = await initProject();
  await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
  await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
  await ok(["-p", root, "add", "myedr", "edr1", "-c", "API_URL=https://edr.example"]);
  await ok(["-p", root, "add", "mysiem", "siem1", "-c", "API_URL=https://siem.example"]);
  await ok(["-p", root, "plug", "events", "edr1", "siem1", "--format", "ecs"]);
}, 60_000);

describe("plug with another format", () => {
  it("is refused with the existing plug's format and the commands that change it", async () => {
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "plug", "events", "edr1", "siem1", "--format", "syslog"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: plug edr1 -[events]-> siem1 (push) already exists with format ecs, not syslog");
    expect(r.stderr).toContain("meshroom unplug events edr1 siem1 --mode push");
    expect(r.stderr).toContain("meshroom plug events edr1 siem1 --mode push --format syslog");
    expect(snapshot(root)).toEqual(before);
    expect(read(root, "instances/myedr/edr1/plugs/siem1/events.yaml")).toMatch(/^format: ecs$/m);
  });

  it("is still a no-op for the same format or no format", async () => {
    for (const extra of [["--format", "ecs"], []]) {
      const r = await ok(["-p", root, "plug", "events", "edr1", "siem1", ...extra]);
      expect(r.stdout).toContain("already exists: nothing to do");
    }
  });
});
