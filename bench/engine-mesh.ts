// Generated meshes for the engine benchmark: N instances of one product in a ring, `fanout` plugs
// from each instance to the next ones (1: to the next; 2: to the next two, as in the Terraform
// comparison), and an in-memory hook set (no files, no YAML).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HookRuntime } from "../src/apply/index.js";
import { buildCapabilityGraph } from "../src/capabilities/index.js";
import type { EngineSetup } from "../src/engine/deploy/engine-setup.js";
import { HookRegistry, type HookEntry } from "../src/hooks/index.js";
import type { HookDescriptor, Product } from "../src/model/index.js";
import { LocalBackend } from "../src/state/index.js";
import { desiredResources, instanceResourceId, parseDesiredDocument, plugResourceId, type DesiredDocument } from "../src/synth/index.js";

export function ringDocument(instanceCount: number, fanout = 1): DesiredDocument {
  if (fanout < 1 || fanout >= Math.max(2, instanceCount)) throw new Error(`fanout ${fanout} needs more than ${fanout} instances`);
  const instances: Record<string, unknown> = {};
  const plugMap: Record<string, unknown> = {};
  const name = (i: number) => `n${i}`;
  for (let i = 0; i < instanceCount; i++) {
    instances[instanceResourceId(name(i))] = { name: name(i), product: "p", settings: { index: i }, secret_refs: [], depends_on: [] };
  }
  for (let k = 1; k <= fanout; k++) {
    for (let i = 0; i < instanceCount; i++) {
      const src = name(i);
      const dst = name((i + k) % instanceCount);
      const ref = (role: string) => ({ product: "p", target: "p", topic: "events", role, mode: "push", explicit: false });
      plugMap[plugResourceId(src, dst, "events", "push")] = {
        src, dst, topic: "events", mode: "push", format: null, kind: "data", owner: "both",
        src_integration: ref("producer"), dst_integration: ref("consumer"), settings: { src: {}, dst: {} }, secret_refs: [],
        depends_on: [`meshroom_instance.${instanceResourceId(src)}`, `meshroom_instance.${instanceResourceId(dst)}`],
      };
    }
  }
  return parseDesiredDocument({ "//": { metadata: { backend: "meshroom", version: "bench" } }, resource: { meshroom_instance: instances, meshroom_plug: plugMap } });
}

export interface BenchHooks {
  /** Milliseconds each setup hook sleeps (0: returns at once). */
  setupMs: number;
  teardownMs?: number;
  /** Called by every hook (e.g. to record it). */
  onCall?: (kind: string, address: string, role: string) => void | Promise<void>;
}

export function ringProduct(): Product {
  return {
    name: "p", description: "", tags: [], settings: [], commandHooks: [], dir: "/bench/products/p",
    capabilities: [
      { product: "p", role: "producer", topic: "events", mode: "push" },
      { product: "p", role: "consumer", topic: "events", mode: "push" },
    ],
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new Error("aborted"));
    }, { once: true });
  });
}

/** An in-memory hook registry: setup and teardown for producer and consumer of `events`. */
export function ringHooks(opts: BenchHooks): HookRegistry {
  const entries: HookEntry[] = [];
  for (const kind of ["setup", "teardown"] as const) {
    for (const role of ["producer", "consumer"] as const) {
      const ms = kind === "setup" ? opts.setupMs : (opts.teardownMs ?? 0);
      const descriptor: HookDescriptor = {
        id: `bench#${kind}:${role}`, kind, product: "p", role, topic: "events", ownsBoth: false, keepWhenOverloaded: false,
        title: `${kind}-${role}`, timeout: 300, source: "bench",
      };
      entries.push({
        descriptor, dir: "/bench",
        fn: async (ctx) => {
          if (ms > 0) await sleep(ms, ctx.signal);
          await opts.onCall?.(kind, ctx.address, role);
          return kind === "setup" ? { outputs: { [`${role}_id`]: `${role}-${ctx.address}` } } : undefined;
        },
      });
    }
  }
  return new HookRegistry(entries);
}

/**
 * An engine setup for a ring of `instanceCount` instances and `fanout` × `instanceCount` plugs,
 * with a local state backend in `dir` (default: a new temp dir).
 */
export function ringSetup(
  instanceCount: number, hooks: BenchHooks, dir = mkdtempSync(join(tmpdir(), "meshroom-bench-")), fanout = 1,
): EngineSetup & { dir: string } {
  const document = ringDocument(instanceCount, fanout);
  const registry = ringHooks(hooks);
  const graph = buildCapabilityGraph({ products: [ringProduct()], integrations: [], hooks: registry.descriptors() });
  return {
    dir,
    document,
    resources: desiredResources(document),
    store: new LocalBackend(dir).store(),
    runtimeFor: (instance) => new HookRuntime({ graph, hooks: registry, instance }),
  };
}
