import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { meshroom, ok } from "../cli/helpers.js";
import { useCodeMeshCopy } from "./fixture.js";

/** validate, list and graph read a code mesh's synthesized document; authoring commands refuse, naming main.ts. */
const fx = useCodeMeshCopy();

describe("the CLI on a code-mesh project", () => {
  it("lists the instances and plugs of main.ts, and draws them", async () => {
    const instances = JSON.parse((await ok(["list", "instances", "--json"], { cwd: fx.dir })).stdout) as Array<{ name: string; product: string; status: string }>;
    expect(instances.map((i) => [i.name, i.product, i.status])).toEqual([
      ["intake", "intake", "not applied"], ["siem", "sink", "not applied"], ["webhook", "webhook_source", "not applied"],
    ]);
    const plugs = JSON.parse((await ok(["list", "plugs", "--json"], { cwd: fx.dir })).stdout) as Array<{ address: string }>;
    expect(plugs.map((p) => p.address).sort()).toEqual(["plug.intake.siem.events.pull", "plug.webhook.intake.events.push"]);
    const graph = (await ok(["graph", "--format", "mermaid"], { cwd: fx.dir })).stdout;
    expect(graph).toContain("3 instances, 2 plugs");
  }, 120_000);

  it("validates by synthesizing: a bad setting in main.ts is a problem named by construct path and setting", async () => {
    expect((await ok(["validate", "--no-hooks"], { cwd: fx.dir })).stdout).toMatch(/The project is valid: .* 3 instances, 2 plugs/);
    const main = readFileSync(join(fx.dir, "main.ts"), "utf8");
    try {
      writeFileSync(join(fx.dir, "main.ts"), main.replace("{ port: 0, maxBody: 1048576, queue: \"\" }", '{ port: "0" as unknown as number, maxBdy: 1 } as never'));
      const r = await meshroom(["validate", "--no-hooks"], { cwd: fx.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('main.ts: soc/intake: unknown setting "maxBdy" for product intake (known: port, max_body, queue)');
      expect(r.stderr).toContain('soc/intake: setting port: expected an integer, got the string "0" (field `settings.port`)');
    } finally {
      writeFileSync(join(fx.dir, "main.ts"), main);
    }
  }, 120_000);

  it("refuses add, configure, remove, plug and unplug, naming main.ts, and warns of YAML instances it ignores", async () => {
    for (const args of [["add", "sink", "s2"], ["configure", "siem", "-c", "x=1"], ["remove", "siem"], ["plug", "events", "webhook", "intake"], ["unplug", "events", "webhook", "intake"]]) {
      const r = await meshroom(args, { cwd: fx.dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(`\`meshroom ${args[0]}\` writes YAML, but this project's mesh is code: main.ts`);
    }
    mkdirSync(join(fx.dir, "instances/sink/old"), { recursive: true });
    writeFileSync(join(fx.dir, "instances/sink/old/config.yaml"), "settings: {}\n");
    const r = await ok(["validate", "--no-hooks"], { cwd: fx.dir });
    expect(r.stderr).toContain("instances/ holds 1 YAML instances and 0 plugs that this code mesh (main.ts) ignores");
  }, 120_000);
});
