// The capability-graph bench at full scale (500 products / 2,000 integrations), as a slow test:
// every command works on a catalog that size. Its timing target (< 1 s per command) is judged
// by `npm run bench` (PASS/FAIL line), not here: 80-quality.md keeps timings out of tests, and
// wall time on a shared 2-core machine varies by ±25 %.
import { describe, expect, it } from "vitest";
import { formatCapabilitiesBench, runCapabilitiesBench } from "../../bench/capabilities.js";
import { assertBuilt } from "./helpers.js";

describe("capability graph at scale, through the CLI", () => {
  it("lists products, lists a product's integrations and plugs on a 2,500-file catalog", async () => {
    assertBuilt();
    const r = await runCapabilitiesBench();
    process.stdout.write(formatCapabilitiesBench(r) + "\n");
    expect(r.products).toBe(502);
    expect(r.integrations).toBe(2000);
    expect(r.commands.map((c) => c.command)).toEqual([
      "meshroom --version (startup baseline)", "meshroom list products", "list products, every file parsed (no cache)",
      "meshroom list integrations p042", "meshroom plug topic00 edrN siemN",
    ]);
    expect(r.commands.filter((c) => !c.budgeted).map((c) => c.command)).toEqual(["meshroom --version (startup baseline)", "list products, every file parsed (no cache)"]);
    for (const c of r.commands) expect(Number.isFinite(c.medianMs) && c.medianMs > 0, c.command).toBe(true);
  }, 600_000);
});
