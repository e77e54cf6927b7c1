import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredResources, parseDesiredDocument } from "../../src/synth/index.js";
import { QUICKSTART, exampleCopy } from "./fixture.js";

/**
 * The real `cdktf synth` (cdktf-cli 0.21, ~460 MB, so not a dependency of meshroom): installed
 * into a temp dir for this test, or taken from MESHROOM_CDKTF_CLI (path to a `cdktf` binary).
 * It runs the app of a project made like `meshroom init` makes them, with no terraform on PATH.
 */
let cli = process.env.MESHROOM_CDKTF_CLI ?? "";
let installDir: string | undefined;
beforeAll(async () => {
  if (cli) return;
  installDir = mkdtempSync(join(tmpdir(), "meshroom-cdktf-cli-"));
  await execa("npm", ["install", "--no-audit", "--no-fund", "--prefix", installDir, "cdktf-cli@0.21.0"], { env: { CHECKPOINT_DISABLE: "1" } });
  cli = join(installDir, "node_modules/.bin/cdktf");
}, 900_000);
afterAll(() => {
  if (installDir) rmSync(installDir, { recursive: true, force: true });
});

describe("cdktf synth (the real cdktf CLI)", () => {
  it("writes the quickstart's cdk.tf.json with instances, plugs and depends_on edges", async () => {
    const fx = exampleCopy(QUICKSTART);
    try {
      const path = (process.env.PATH ?? "").split(delimiter).filter((d) => d && !existsSync(join(d, "terraform"))).join(delimiter);
      await execa(cli, ["synth"], { cwd: fx.dir, env: { PATH: path, CHECKPOINT_DISABLE: "1", CI: "1" } });
      const file = join(fx.dir, "cdktf.out/stacks/mesh/cdk.tf.json");
      const doc = parseDesiredDocument(readFileSync(file, "utf8"), file);
      expect(Object.keys(doc.resource?.meshroom_instance ?? {}).sort()).toEqual(["intake", "siem", "webhook"]);
      expect(Object.keys(doc.resource?.meshroom_plug ?? {}).sort()).toEqual(["intake-siem-events-pull", "webhook-intake-events-push"]);
      const edges = desiredResources(doc).filter((r) => r.type === "meshroom_plug").map((r) => [r.address, r.dependencies]);
      expect(edges).toEqual(expect.arrayContaining([
        ["plug.webhook.intake.events.push", ["instance.intake", "instance.webhook"]],
        ["plug.intake.siem.events.pull", ["instance.intake", "instance.siem"]],
      ]));
    } finally {
      fx.dispose();
    }
  }, 300_000);
});
