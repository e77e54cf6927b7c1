// The SOC lab as a project, without root: it validates, loads every hook file, and plans the
// optional Suricata feed the way its README says to add it. (Running it needs root and the
// Debian packages: test/soc-lab/soc-lab.slow.test.ts.)
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, ok, tempDir } from "../cli/helpers.js";

describe("examples/soc-lab as a project", () => {
  it("validates, and plans Suricata's alerts feed once added: rsyslog owns the pull plug", async () => {
    const root = join(tempDir(), "soc-lab");
    cpSync(join(REPO, "examples", "soc-lab"), root, { recursive: true, filter: (src) => !/[\\/](\.meshroom|meshroom\.state\.json.*|secrets\.gpg)$/.test(src) });
    const env = { XDG_CACHE_HOME: tempDir("mr-cache-") };
    expect((await ok(["validate", "-p", root], { env })).stdout).toMatch(/5 products, 0 explicit integrations, 4 instances, 3 plugs, \d+ hooks\./);

    await ok(["add", "suricata", "ids", "-p", root], { env });
    const plug = await ok(["plug", "alerts", "ids", "forwarder", "-p", root], { env });
    expect(plug.stdout).toContain("Plugged ids -[alerts]-> forwarder: pull, eve, data; forwarder sets up both sides.");
    const plan = await ok(["plan", "-p", root], { env });
    expect(plan.stdout).toContain('+ dst_integration = "rsyslog → suricata: consumer alerts (pull, eve, generic)"');
    expect(plan.stdout).toContain("Plan: 9 to add, 0 to change, 0 to destroy.");
    // planning ran no hook body: nothing was started, no run folder exists
    expect(existsSync(join(root, ".meshroom", "run"))).toBe(false);
  }, 60_000);
});
