import { describe, expect, it } from "vitest";
import { buildCapabilityGraph, selectRuntimeHook } from "../../src/capabilities/index.js";
import { isMeshroomError } from "../../src/errors/index.js";
import type { HookDescriptor } from "../../src/model/index.js";
import { hook, instance, product, shuffled } from "./fixtures.js";

const edr = instance("myedr", "edr");
const siem = instance("mysiem", "siem");
const g = (hooks: HookDescriptor[]) =>
  buildCapabilityGraph({ products: [product("edr", [["producer", "events"], ["trigger", "isolate"]]), product("siem", [["consumer", "events"], ["executor", "isolate"]])], integrations: [], hooks });

function noHook(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isMeshroomError(e) && e.code === "E_NO_HOOK") return e.message;
    throw e;
  }
  throw new Error("expected E_NO_HOOK");
}

describe("selectRuntimeHook on a plug", () => {
  const both = [
    hook({ id: "edr-produce", kind: "produce", product: "edr", topic: "events" }),
    hook({ id: "siem-produce", kind: "produce", product: "siem", topic: "events" }),
    hook({ id: "edr-watch", kind: "watch", product: "edr", topic: "events" }),
    hook({ id: "siem-watch", kind: "watch", product: "siem", topic: "events" }),
  ];

  it("produce: the producer side's hook, else the consumer side's", () => {
    expect(selectRuntimeHook(g(both), "produce", { topic: "events", srcInstance: edr, dstInstance: siem })).toMatchObject({ side: "src", instance: "myedr", hook: { id: "edr-produce" } });
    expect(selectRuntimeHook(g(both.filter((h) => h.id !== "edr-produce")), "produce", { topic: "events", srcInstance: edr, dstInstance: siem })).toMatchObject({ side: "dst", product: "siem", hook: { id: "siem-produce" } });
  });

  it("watch: the consumer side's hook, else the producer side's", () => {
    expect(selectRuntimeHook(g(both), "watch", { topic: "events", srcInstance: edr, dstInstance: siem })).toMatchObject({ side: "dst", hook: { id: "siem-watch" } });
    expect(selectRuntimeHook(g(both.filter((h) => h.id !== "siem-watch")), "watch", { topic: "events", srcInstance: edr, dstInstance: siem })).toMatchObject({ side: "src", hook: { id: "edr-watch" } });
  });

  it("trigger uses the trigger side, execute the executor side, with role filters honoured", () => {
    const hooks = [
      hook({ id: "edr-trigger", kind: "trigger", product: "edr", role: "trigger" }),
      hook({ id: "siem-trigger", kind: "trigger", product: "siem" }),
      hook({ id: "siem-execute", kind: "execute", product: "siem", topic: "isolate" }),
      hook({ id: "edr-execute", kind: "execute", product: "edr" }),
      hook({ id: "siem-execute-wrong-role", kind: "execute", product: "siem", role: "trigger", order: "first" }),
    ];
    expect(selectRuntimeHook(g(hooks), "trigger", { topic: "isolate", srcInstance: edr, dstInstance: siem }).hook.id).toBe("edr-trigger");
    expect(selectRuntimeHook(g(hooks), "execute", { topic: "isolate", srcInstance: edr, dstInstance: siem }).hook.id).toBe("siem-execute");
  });

  it("integration-specific hooks overload product-wide ones", () => {
    const hooks = [
      hook({ id: "wide", kind: "watch", product: "siem", topic: "events", mode: "push", role: "consumer", order: "first" }),
      hook({ id: "for-edr", kind: "watch", product: "siem", target: "edr" }),
    ];
    expect(selectRuntimeHook(g(hooks), "watch", { topic: "events", srcInstance: edr, dstInstance: siem }).hook.id).toBe("for-edr");
  });

  it("names the products looked at when there is no hook", () => {
    expect(noHook(() => selectRuntimeHook(g([]), "watch", { topic: "events", srcInstance: edr, dstInstance: siem, mode: "pull" }))).toBe(
      "no `watch` hook for events in pull mode on siem (instance mysiem, consumer side) or edr (instance myedr, producer side)",
    );
  });
});

describe("selectRuntimeHook on an instance", () => {
  it("the most specific hook wins, then hook order — whatever the input order", () => {
    const hooks = [
      hook({ id: "bare", kind: "produce", product: "edr", order: "first" }),
      hook({ id: "topic", kind: "produce", product: "edr", topic: "events", order: "first" }),
      hook({ id: "topic-mode-role-late", kind: "produce", product: "edr", topic: "events", mode: "push", role: "producer", order: "last" }),
      hook({ id: "topic-mode-role", kind: "produce", product: "edr", topic: "events", mode: "push", role: "producer", order: 3 }),
      hook({ id: "other-topic", kind: "produce", product: "edr", topic: "alerts", mode: "push", role: "producer" }),
      hook({ id: "specific-to-siem", kind: "produce", product: "edr", target: "siem", topic: "events" }),
    ];
    for (let seed = 1; seed <= 6; seed++) {
      const choice = selectRuntimeHook(g(shuffled(hooks, seed)), "produce", { topic: "events", srcInstance: edr });
      expect(choice).toMatchObject({ side: "instance", instance: "myedr", product: "edr", hook: { id: "topic-mode-role" } });
    }
    // another mode rules out the push hooks; a hook with no topic still matches
    expect(selectRuntimeHook(g(hooks), "produce", { topic: "events", srcInstance: edr, mode: "pull" }).hook.id).toBe("topic");
    expect(selectRuntimeHook(g(hooks), "produce", { topic: "iocs", srcInstance: edr }).hook.id).toBe("bare");
  });

  it("fails naming the product", () => {
    expect(noHook(() => selectRuntimeHook(g([hook({ kind: "watch", product: "siem" })]), "watch", { topic: "events", srcInstance: edr }))).toBe(
      "no `watch` hook for events on edr (instance myedr)",
    );
  });
});
