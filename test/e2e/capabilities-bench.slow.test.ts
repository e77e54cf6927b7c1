// Issue 3's performance bound, as a slow test (MESHROOM_SLOW=1): a project of 500 products /
// 2,000 integrations lists and resolves a plug in under 1 s per CLI process (median of 3).
// Wall time on a machine that is not otherwise busy; see bench/capabilities.ts.
import { describe, expect, it } from "vitest";
import { formatCapabilitiesBench, runCapabilitiesBench } from "../../bench/capabilities.js";
import { assertBuilt } from "./helpers.js";

describe("capability graph at scale, through the CLI", () => {
  it("lists products, lists a product's integrations and plugs in under 1 s each", async () => {
    assertBuilt();
    const r = await runCapabilitiesBench();
    process.stdout.write(formatCapabilitiesBench(r) + "\n");
    expect(r.products).toBe(502);
    expect(r.integrations).toBe(2000);
    expect(r.commands.map((c) => c.command)).toEqual([
      "meshroom --version (startup baseline)", "meshroom list products", "meshroom list integrations p042", "meshroom plug topic00 edrN siemN",
    ]);
    for (const c of r.commands.slice(1)) expect(c.medianMs, c.command).toBeLessThan(1000);
  }, 600_000);
});
