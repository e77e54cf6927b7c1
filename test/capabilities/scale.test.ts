import { describe, expect, it } from "vitest";
import { buildCapabilityGraph, listIntegrations, planPlugSteps, resolvePlug } from "../../src/capabilities/index.js";
import type { ExplicitIntegration, HookDescriptor, Product } from "../../src/model/index.js";
import { ROLES } from "../../src/model/index.js";
import { explicit, hook, instance, product } from "./fixtures.js";

// 500 products / 2,000 explicit integrations: building the graph and resolving a plug must
// stay interactive. The bound is loose on purpose (CI machines vary); it catches a quadratic blow-up.
describe("capability graph at scale", () => {
  it("builds and resolves a plug among 500 products and 2,000 integrations quickly", () => {
    const topics = Array.from({ length: 30 }, (_, i) => `topic${i}`);
    const formats = [undefined, "ecs", "ocsf", "cef"];
    const products: Product[] = [];
    const hooks: HookDescriptor[] = [];
    const integrations: ExplicitIntegration[] = [];
    for (let p = 0; p < 500; p++) {
      const name = `p${String(p).padStart(3, "0")}`;
      const caps: Parameters<typeof product>[1] = [];
      for (let k = 0; k < 6; k++) {
        const role = ROLES[(p + k) % 4]!;
        caps.push([role, topics[(p * 7 + k * 3) % topics.length]!, k % 3 === 0 ? "pull" : "push", formats[(p + k) % 4]]);
      }
      products.push(product(name, caps));
      hooks.push(hook({ kind: "setup", product: name }), hook({ kind: "teardown", product: name }));
      for (let k = 0; k < 4; k++) {
        const target = `p${String((p * 13 + k * 101) % 500).padStart(3, "0")}`;
        const role = ROLES[k]!;
        integrations.push(explicit(name, target, `${topics[(p + k) % topics.length]}_${role}${k % 2 ? "_ecs" : ""}.yaml`));
        hooks.push(hook({ kind: "setup", product: name, target, order: k }));
      }
    }
    products.push(product("edr", [["producer", "topic0"]]), product("siem", [["consumer", "topic0"]]));
    hooks.push(hook({ kind: "setup", product: "edr" }), hook({ kind: "setup", product: "siem" }));

    const t0 = performance.now();
    const g = buildCapabilityGraph({ products, integrations, hooks });
    const r = resolvePlug(g, { topic: "topic0", src: instance("e", "edr"), dst: instance("s", "siem"), existing: [] });
    const steps = r.status === "resolved" ? planPlugSteps(g, r.plug) : [];
    const rows = listIntegrations(g, { product: "p042" });
    const elapsed = performance.now() - t0;

    expect(r.status).toBe("resolved");
    expect(steps).toHaveLength(2);
    expect(rows.length).toBeGreaterThan(4);
    expect(elapsed).toBeLessThan(1000);
    // the full listing (every pair) also completes, in a stable order
    const all = listIntegrations(g);
    expect(all.length).toBeGreaterThan(1500);
    expect(all.filter((i) => i.explicit).length).toBeGreaterThan(1500);
  });
});
