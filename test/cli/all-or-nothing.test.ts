// Authoring commands are all-or-nothing (issue 20, item 5): a topic or format that would collide
// with the file-name grammar is refused before anything is written, and a command that fails half
// way (a scaffold hook that throws, a secrets store that cannot be written) leaves the project as
// it found it, so every later command still works.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initProject, meshroom, ok, snapshot } from "./helpers.js";

/** The project's files and contents (a file put back keeps its content; its mtime is restored only as precisely as utimes allows). */
const contents = (dir: string) => Object.fromEntries(Object.entries(snapshot(dir)).map(([k, v]) => [k, v.slice(v.indexOf(":") + 1)]));

let root: string;
beforeAll(async () => {
  root = await initProject();
  await ok(["-p", root, "create", "product", "myedr", "--from", "edr"]);
  await ok(["-p", root, "create", "product", "mysiem", "--from", "siem"]);
}, 60_000);

describe("formats and topics that collide with file names", () => {
  it.each([["pull"], ["push"], ["consumer"], ["ecs_pull"], ["v1_producer"]])("create integration --format %s is refused, nothing written", async (format) => {
    const before = snapshot(root);
    const r = await meshroom(["-p", root, "create", "integration", "mysiem", "myedr", "events", "consumer", "--format", format]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid format name ${JSON.stringify(format)}`);
    expect(r.stderr).toContain("is a word of meshroom's file names");
    expect(snapshot(root)).toEqual(before);
    expect((await meshroom(["-p", root, "validate", "--no-hooks"])).code).toBe(0);
  });

  it("create capability refuses such a topic or format too", async () => {
    const before = snapshot(root);
    for (const args of [["events_pull", "consumer"], ["x_consumer", "producer"], ["events", "consumer", "--format", "pull"]]) {
      const r = await meshroom(["-p", root, "create", "capability", "mysiem", ...args]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toContain("is a word of meshroom's file names");
    }
    expect(snapshot(root)).toEqual(before);
  });

  it("ordinary formats with underscores still work", async () => {
    await ok(["-p", root, "create", "integration", "mysiem", "myedr", "events", "consumer", "--format", "ecs_v8"]);
    expect((await meshroom(["-p", root, "validate", "--no-hooks"])).code).toBe(0);
  });
});

describe("a command that fails half way", () => {
  it("create integration whose scaffold hook throws takes back the integration, its capabilities and the hook's files", async () => {
    writeFileSync(
      join(root, "products/mysiem/scaffold.ts"),
      'import { scaffoldConsumer } from "meshroom/hooks";\n' +
        'scaffoldConsumer("alerts", async ({ files }) => { await files.write("half.ts", "// half done\\n"); throw new Error("scaffold broke"); });\n',
    );
    const before = contents(root);
    const r = await meshroom(["-p", root, "create", "integration", "mysiem", "myedr", "alerts", "consumer", "--format", "stix"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("scaffold broke");
    expect(contents(root)).toEqual(before);
  });

  it("add whose secrets cannot be stored writes no instance", async () => {
    const before = contents(root);
    const r = await meshroom(["-p", root, "add", "mysiem", "siem1", "-c", "API_URL=https://s", "-s", "API_KEY"], { input: "k3y-value\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("recipients/ holds no public key");
    expect(contents(root)).toEqual(before);
  });
});
