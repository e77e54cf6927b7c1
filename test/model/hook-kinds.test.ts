import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { INTEGRATION_HOOK_KINDS as CAPABILITY_INTEGRATION_KINDS, selectRuntimeHook } from "../../src/capabilities/index.js";
import { COMMAND_MODULES } from "../../src/cli/commands/index.js";
import type { CliContext } from "../../src/cli/context.js";
import * as api from "../../src/hooks/api.js";
import { buildHookContext, checkHookInput } from "../../src/hooks/context.js";
import type { HookEntry } from "../../src/hooks/registry.js";
import { parseHookResult } from "../../src/hooks/results.js";
import { isTeardownRecord } from "../../src/apply/step-records.js";
import {
  COMMAND_HOOK_KINDS, HOOK_KIND_FACTS, HOOK_KINDS, INTEGRATION_HOOK_KINDS, PLUG_LIFECYCLE_HOOK_KINDS, PRODUCT_ONLY_HOOK_KINDS,
  ROLES, RUNTIME_HOOK_KINDS, TEARDOWN_HOOK_KINDS, hookRegistrars, type HookDescriptor, type HookKind, type ReturningHookKind,
} from "../../src/model/index.js";
import { CommandHookSchema } from "../../src/model/schemas.js";
import type { CapabilityGraph } from "../../src/capabilities/index.js";

// The lists these were, written out before they were derived from model/hook-kinds.ts: the
// derivations must give the same lists (behaviour unchanged).
const BEFORE = {
  kinds: ["setup", "teardown", "read", "update", "setupInstance", "teardownInstance", "readInstance", "scaffold", "pull", "publish", "produce", "watch", "trigger", "execute"],
  commandHookKinds: ["setup", "teardown", "read", "update", "setupInstance", "teardownInstance", "readInstance", "produce", "trigger", "execute", "pull", "publish"],
  plugKinds: ["setup", "teardown", "read", "update"],
  productOnly: ["setupInstance", "teardownInstance", "readInstance", "pull"],
  integrationKinds: ["setup", "teardown", "read", "update", "scaffold", "publish", "produce", "watch", "trigger", "execute"],
  runtimeKinds: ["produce", "watch", "trigger", "execute"],
  teardownKinds: ["teardown", "teardownInstance"],
  needs: {
    setup: ["instance", "plug", "integration"], teardown: ["instance", "plug", "integration"], read: ["instance", "plug", "integration"],
    update: ["instance", "plug", "integration"], setupInstance: ["instance"], teardownInstance: ["instance"], readInstance: ["instance"],
    scaffold: ["integration"], pull: ["path"], publish: [], produce: ["instance", "data"], watch: ["instance"], trigger: ["instance"], execute: ["instance"],
  } as Record<HookKind, string[]>,
  emptyOutputs: ["teardown", "read", "update", "teardownInstance", "readInstance"],
  emptyChanges: ["update"],
  emptyParams: ["trigger", "execute"],
  files: ["scaffold"],
  sides: {
    produce: [["src", "producer"], ["dst", "consumer"]], watch: [["dst", "consumer"], ["src", "producer"]],
    trigger: [["src", "trigger"]], execute: [["dst", "executor"]],
  } as Record<string, Array<[string, string]>>,
  liveCommands: { produce: "produce", watch: "watch", trigger: "trigger", execute: "execute", pull: "pull", publish: "publish", scaffold: "create" },
};

const sorted = (xs: readonly string[]) => [...xs].sort();

describe("the table of hook kinds", () => {
  it("has a complete, consistent row for every kind", () => {
    for (const kind of HOOK_KINDS) {
      const f = HOOK_KIND_FACTS[kind];
      const where = `row ${kind}`;
      expect(["lifecycle", "live"], where).toContain(f.runs);
      if (f.runs === "lifecycle") {
        expect(f.resource, where).toBeDefined();
        expect(f.phase, where).toBeDefined();
        expect(f.command, where).toBeUndefined();
        expect(f.sides, where).toBeUndefined();
      } else {
        expect(f.command, `${where}: a live kind names the command that calls it`).toMatch(/^[a-z]/);
        expect(f.resource, where).toBeUndefined();
        expect(f.phase, where).toBeUndefined();
      }
      if (f.sides) {
        expect(f.sides.length, where).toBeGreaterThan(0);
        for (const s of f.sides) expect(ROLES, where).toContain(s.role);
        expect(f.perCall !== undefined || f.result === "stream", `${where}: a runtime kind gets data or params per call, or yields`).toBe(true);
      } else {
        expect(f.perCall, where).toBeUndefined();
      }
      expect(["product", "integration"], where).toContain(f.declaredIn);
      if (f.declaredIn === "product") expect(f.roles, `${where}: a product-wide-only kind has no role`).toBe("none");
      expect(["each", "any", "none", ...ROLES], where).toContain(f.roles);
      expect(f.plainRegistrar || f.roles === "each", `${where}: it has a registrar`).toBe(true);
      expect(["outputs", "exists", "ignored", "value", "stream"], where).toContain(f.result);
      if (f.result === "stream" || f.files) expect(f.commandHook, `${where}: a command hook can neither yield nor use a helper object`).toBe(false);
      expect(Array.isArray(f.needs) && Array.isArray(f.empty), where).toBe(true);
    }
  });

  // When you add a kind, add it to BEFORE too: these pin the lists the table replaced.
  it("gives every list of kinds that meshroom had written out, unchanged", () => {
    expect(sorted(HOOK_KINDS)).toEqual(sorted(BEFORE.kinds));
    expect(COMMAND_HOOK_KINDS).toEqual(BEFORE.commandHookKinds); // same order: the zod message lists them
    expect(sorted(PLUG_LIFECYCLE_HOOK_KINDS)).toEqual(sorted(BEFORE.plugKinds));
    expect(sorted(PRODUCT_ONLY_HOOK_KINDS)).toEqual(sorted(BEFORE.productOnly));
    expect(sorted(INTEGRATION_HOOK_KINDS)).toEqual(sorted(BEFORE.integrationKinds));
    expect(CAPABILITY_INTEGRATION_KINDS).toBe(INTEGRATION_HOOK_KINDS);
    expect(RUNTIME_HOOK_KINDS).toEqual(BEFORE.runtimeKinds);
    expect(sorted(TEARDOWN_HOOK_KINDS)).toEqual(sorted(BEFORE.teardownKinds));
    for (const kind of HOOK_KINDS) {
      const sides = HOOK_KIND_FACTS[kind].sides?.map((s) => [s.side, s.role]);
      expect(sides, kind).toEqual(BEFORE.sides[kind]);
    }
  });

  it("is every kind a YAML command hook may declare, and only those", () => {
    for (const kind of HOOK_KINDS) {
      const r = CommandHookSchema.safeParse({ kind, run: ["./x.sh"] });
      expect(r.success, kind).toBe(BEFORE.commandHookKinds.includes(kind));
    }
    expect(CommandHookSchema.safeParse({ kind: "deploy", run: ["./x.sh"] }).success).toBe(false);
  });
});

describe("meshroom/hooks registrars", () => {
  const exported = Object.entries(api).filter(([name, v]) => typeof v === "function" && name !== "hookGlobalState").map(([name]) => name);

  it("exports exactly the registrars the table derives, 33 of them", () => {
    const derived = hookRegistrars().map((r) => r.name);
    expect(sorted(exported)).toEqual(sorted(derived));
    expect(derived).toHaveLength(33);
  });

  it("each records its kind, role and topic as the table says", () => {
    const stray = api.hookGlobalState().stray;
    const fn = () => undefined;
    for (const r of hookRegistrars()) {
      const register = (api as unknown as Record<string, (...a: unknown[]) => void>)[r.name]!;
      const before = stray.length;
      if (r.topic) register("events", fn);
      else register(fn);
      const got = stray.splice(before)[0]!;
      expect({ name: got.registrar, kind: got.kind, role: got.role, topic: got.topic }, r.name).toEqual({
        name: r.name, kind: r.kind, role: r.role, topic: r.topic ? "events" : undefined,
      });
    }
  });
});

describe("hook contexts and results follow the table", () => {
  const entry = (kind: HookKind): HookEntry => ({
    descriptor: { id: `x#${kind}`, kind, product: "p", ownsBoth: false, keepWhenOverloaded: false, title: kind, timeout: 300, source: "x.ts" },
    fn: () => undefined,
    dir: "/nonexistent",
  });

  it("a kind's context needs what it needed, and defaults what it defaulted", () => {
    for (const kind of HOOK_KINDS) {
      const needs = BEFORE.needs[kind];
      if (needs.length > 0) expect(() => checkHookInput(entry(kind), {}), kind).toThrow(`needs ${needs.join(", ")}`);
      else expect(() => checkHookInput(entry(kind), {}), kind).not.toThrow();
      const ctx = buildHookContext(entry(kind), {}, { address: "a" }, new AbortController().signal);
      expect(ctx.outputs, kind).toEqual(BEFORE.emptyOutputs.includes(kind) ? {} : undefined);
      expect(ctx.changes, kind).toEqual(BEFORE.emptyChanges.includes(kind) ? [] : undefined);
      expect(ctx.params, kind).toEqual(BEFORE.emptyParams.includes(kind) ? {} : undefined);
      expect(ctx.files !== undefined, kind).toBe(BEFORE.files.includes(kind));
    }
  });

  it("a kind's result is checked and kept as before", () => {
    const returning = HOOK_KINDS.filter((k): k is ReturningHookKind => k !== "watch");
    const raw = { exists: true, outputs: { a: 1 } };
    const want: Record<ReturningHookKind, unknown> = {
      setup: expect.stringContaining("setup hooks return nothing, or { outputs: { … } }"),
      update: expect.stringContaining("update hooks return nothing, or { outputs: { … } }"),
      setupInstance: expect.stringContaining("setupInstance hooks return nothing, or { outputs: { … } }"),
      read: { outputs: { a: 1 }, exists: true },
      readInstance: { outputs: { a: 1 }, exists: true },
      teardown: {}, teardownInstance: {}, scaffold: {},
      pull: { value: raw }, publish: { value: raw }, produce: { value: raw }, trigger: { value: raw }, execute: { value: raw },
    };
    for (const kind of returning) expect(parseHookResult(kind, raw), kind).toEqual(want[kind]);
    expect(parseHookResult("read", { outputs: {} })).toContain("read hooks return { exists: boolean, outputs?: { … } }");
    expect(parseHookResult("setup", { outputs: { a: 1 } })).toEqual({ outputs: { a: 1 } });
    expect(parseHookResult("produce", () => 1)).toContain("produce hooks return a JSON value");
  });
});

describe("the CLI commands of live kinds", () => {
  it("every live kind's command is routed to a command module", () => {
    const routed = COMMAND_MODULES.flatMap((m) => m.commands);
    for (const kind of HOOK_KINDS) {
      const command = HOOK_KIND_FACTS[kind].command;
      if (command === undefined) continue;
      expect(routed, kind).toContain(command.split(" ")[0]);
      expect(command.split(" ")[0], kind).toBe(BEFORE.liveCommands[kind as keyof typeof BEFORE.liveCommands]);
    }
    // the runtime kinds' commands share one module, which registers them all
    const runtimeModule = COMMAND_MODULES.find((m) => m.commands.includes("produce"))!;
    expect(runtimeModule.commands).toEqual(RUNTIME_HOOK_KINDS.map((k) => HOOK_KIND_FACTS[k].command));
  });

  it("the runtime module registers one command per runtime kind, in the same order", async () => {
    const program = new Command();
    const runtimeModule = COMMAND_MODULES.find((m) => m.commands.includes("produce"))!;
    (await runtimeModule.load()).register(program, {} as CliContext);
    expect(program.commands.map((c) => c.name())).toEqual(["produce", "watch", "trigger", "execute"]);
    const trigger = program.commands.find((c) => c.name() === "trigger")!;
    expect(trigger.options.map((o) => o.long)).toEqual(["--param", "--mode"]);
  });

  it("a runtime kind's hook is looked for on the sides its row names, in that order", () => {
    const d = (kind: HookKind, product: string, role: string): HookDescriptor =>
      ({ id: `${product}#${kind}#${role}`, kind, product, role, topic: "t", ownsBoth: false, keepWhenOverloaded: false, title: `${product} ${role}`, timeout: 300, source: "x" }) as HookDescriptor;
    const src = { name: "a", product: "pa" };
    const dst = { name: "b", product: "pb" };
    for (const kind of RUNTIME_HOOK_KINDS) {
      for (const [side, role] of BEFORE.sides[kind]!) {
        const product = side === "src" ? "pa" : "pb";
        const graph = { hooks: new Map([[product, [d(kind, product, role)]]]) } as unknown as CapabilityGraph;
        expect(selectRuntimeHook(graph, kind, { topic: "t", srcInstance: src, dstInstance: dst }).side, `${kind} ${side}`).toBe(side);
      }
      // with both sides' hooks present, the first side named wins
      const [first] = BEFORE.sides[kind]!;
      const all = BEFORE.sides[kind]!.map(([side, role]) => d(kind, side === "src" ? "pa" : "pb", role));
      const graph = { hooks: new Map(all.map((h) => [h.product, [h]])) } as unknown as CapabilityGraph;
      expect(selectRuntimeHook(graph, kind, { topic: "t", srcInstance: src, dstInstance: dst }).side, kind).toBe(first![0]);
    }
  });

  it("teardown step records are told apart from setup records by their kind", () => {
    for (const kind of HOOK_KINDS) {
      const rec = { id: `plug.x/src/${kind}/h1`, title: "t", outputs: {} } as Parameters<typeof isTeardownRecord>[1];
      expect(isTeardownRecord("plug.x", rec), kind).toBe(BEFORE.teardownKinds.includes(kind));
    }
  });
});
