import { describe, expect, it } from "vitest";
import {
  buildCapabilityGraph, planPlugSteps, planTeardownSteps, resolvePlug, setupSides, teardownHooksFor, type ResolvedPlug,
} from "../../src/capabilities/index.js";
import { isMeshroomError } from "../../src/errors/index.js";
import type { HookDescriptor, Mode } from "../../src/model/index.js";
import { hook, instance, product, shuffled } from "./fixtures.js";

const edr = instance("myedr", "edr");
const siem = instance("mysiem", "siem");
const products = [
  product("edr", [["producer", "events"], ["producer", "events", "pull"]]),
  product("siem", [["consumer", "events"], ["consumer", "events", "pull"]]),
];

function resolved(hooks: HookDescriptor[], mode: Mode = "push", owner?: string): { g: ReturnType<typeof buildCapabilityGraph>; plug: ResolvedPlug } {
  const g = buildCapabilityGraph({ products, integrations: [], hooks });
  const r = resolvePlug(g, { topic: "events", src: edr, dst: siem, mode, existing: [], ...(owner ? { owner } : {}) });
  if (r.status !== "resolved") throw new Error("expected a resolved plug");
  return { g, plug: r.plug };
}

const ids = (steps: { side: string; hook: HookDescriptor }[]) => steps.map((s) => `${s.side}:${s.hook.id}`);

describe("planPlugSteps", () => {
  const selfHooks = [
    hook({ id: "edr-setup", kind: "setup", product: "edr", role: "producer" }),
    hook({ id: "siem-setup", kind: "setup", product: "siem", role: "consumer" }),
    hook({ id: "edr-teardown", kind: "teardown", product: "edr" }),
    hook({ id: "siem-teardown", kind: "teardown", product: "siem" }),
  ];

  it("both own self, push: consumer side first, then producer side", () => {
    const { g, plug } = resolved(selfHooks, "push");
    expect(setupSides(plug)).toEqual(["dst", "src"]);
    expect(ids(planPlugSteps(g, plug))).toEqual(["dst:siem-setup", "src:edr-setup"]);
  });

  it("both own self, pull: producer side first, then consumer side", () => {
    const { g, plug } = resolved(selfHooks, "pull");
    expect(ids(planPlugSteps(g, plug))).toEqual(["src:edr-setup", "dst:siem-setup"]);
  });

  it("one side owns both: only that side's setup hooks run", () => {
    const hooks = [
      hook({ id: "edr-both", kind: "setup", product: "edr", ownsBoth: true }),
      hook({ id: "edr-extra", kind: "setup", product: "edr", order: "last" }),
      hook({ id: "siem-setup", kind: "setup", product: "siem", ownsBoth: true }),
    ];
    const { g, plug } = resolved(hooks);
    expect(plug.owner).toBe("myedr");
    expect(ids(planPlugSteps(g, plug))).toEqual(["src:edr-both", "src:edr-extra"]);
    const d = resolved(hooks, "push", "mysiem");
    expect(ids(planPlugSteps(d.g, d.plug))).toEqual(["dst:siem-setup"]);
  });

  it("orders hooks within a side: first → 1 → 2 → unset → last, ties by title, whatever the input order", () => {
    const hooks = [
      hook({ id: "h-last", kind: "setup", product: "siem", order: "last", title: "z" }),
      hook({ id: "h-unset-b", kind: "setup", product: "siem", title: "b" }),
      hook({ id: "h-2", kind: "setup", product: "siem", order: 2, title: "a" }),
      hook({ id: "h-first", kind: "setup", product: "siem", order: "first", title: "y" }),
      hook({ id: "h-unset-a", kind: "setup", product: "siem", title: "a" }),
      hook({ id: "h-1", kind: "setup", product: "siem", order: 1, title: "x" }),
      hook({ id: "e", kind: "setup", product: "edr" }),
    ];
    for (let seed = 1; seed <= 6; seed++) {
      const { g, plug } = resolved(shuffled(hooks, seed));
      expect(ids(planPlugSteps(g, plug))).toEqual([
        "dst:h-first", "dst:h-1", "dst:h-2", "dst:h-unset-a", "dst:h-unset-b", "dst:h-last", "src:e",
      ]);
    }
  });

  it("step ids are stable and name the plug, side, kind and hook; steps carry the integration ref", () => {
    const { g, plug } = resolved(selfHooks);
    const [first] = planPlugSteps(g, plug);
    expect(first!.id).toBe("plug.myedr.mysiem.events.push/dst/setup/siem-setup");
    expect(first!.instance).toBe("mysiem");
    expect(first!.integration).toEqual({ product: "siem", target: "edr", topic: "events", role: "consumer", mode: "push", explicit: false });
    expect(planPlugSteps(g, plug).map((s) => s.id)).toEqual(planPlugSteps(g, plug).map((s) => s.id));
  });

  it("integration-specific setup hooks overload product-wide ones in the plan", () => {
    const hooks = [
      ...selfHooks,
      hook({ id: "siem-for-edr", kind: "setup", product: "siem", target: "edr" }),
      hook({ id: "siem-kept", kind: "setup", product: "siem", keepWhenOverloaded: true, order: "last" }),
    ];
    const { g, plug } = resolved(hooks);
    expect(ids(planPlugSteps(g, plug))).toEqual(["dst:siem-for-edr", "dst:siem-kept", "src:edr-setup"]);
  });

  it("fails clearly when the plug's integration is gone from the project", () => {
    const { plug } = resolved(selfHooks);
    const g2 = buildCapabilityGraph({ products: [product("edr"), product("siem")], integrations: [], hooks: [] });
    try {
      planPlugSteps(g2, plug);
      expect.unreachable();
    } catch (e) {
      expect(isMeshroomError(e) && e.code).toBe("E_NO_INTEGRATION");
      expect((e as Error).message).toContain("plug.myedr.mysiem.events.push");
    }
  });
});

describe("teardown", () => {
  const hooks = [
    hook({ id: "s1", kind: "setup", product: "siem", order: 1 }),
    hook({ id: "s2", kind: "setup", product: "siem", order: 2 }),
    hook({ id: "e1", kind: "setup", product: "edr" }),
    hook({ id: "siem-td-1", kind: "teardown", product: "siem", order: 1 }),
    hook({ id: "siem-td-2", kind: "teardown", product: "siem", order: 2 }),
    hook({ id: "edr-td", kind: "teardown", product: "edr" }),
    hook({ id: "edr-read", kind: "read", product: "edr" }),
    hook({ id: "edr-update", kind: "update", product: "edr", role: "producer" }),
    hook({ id: "edr-consumer-update", kind: "update", product: "edr", role: "consumer" }),
  ];

  it("runs the completed steps' teardown hooks in reverse order", () => {
    const { g, plug } = resolved(hooks);
    const setup = planPlugSteps(g, plug);
    expect(ids(setup)).toEqual(["dst:s1", "dst:s2", "src:e1"]);
    expect(ids(planTeardownSteps(g, plug, setup))).toEqual(["src:edr-td", "dst:siem-td-2", "dst:siem-td-1"]);
    // only the destination side completed: only its teardown hooks
    expect(ids(planTeardownSteps(g, plug, setup.slice(0, 1)))).toEqual(["dst:siem-td-2", "dst:siem-td-1"]);
    expect(planTeardownSteps(g, plug, [])).toEqual([]);
  });

  it("teardownHooksFor lists one side's teardown, read and update hooks (role filter honoured)", () => {
    const { g, plug } = resolved(hooks);
    const src = teardownHooksFor(g, plug, "src");
    expect([src.teardown, src.read, src.update].map((l) => l.map((h) => h.id))).toEqual([["edr-td"], ["edr-read"], ["edr-update"]]);
    expect(teardownHooksFor(g, plug, "dst").teardown.map((h) => h.id)).toEqual(["siem-td-1", "siem-td-2"]);
  });
});
