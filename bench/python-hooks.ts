// Python hooks against TypeScript hooks: the same ring mesh (N plugs = 2N no-op setup hooks and
// N instances) applied once with its hooks in products/p/hooks.ts, once in products/p/hooks.py
// (one Python process serves them all over the JSON protocol). Each case in its own process.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HookRuntime } from "../src/apply/index.js";
import { buildCapabilityGraph } from "../src/capabilities/index.js";
import { applyOperation } from "../src/engine/deploy/apply-operation.js";
import type { EngineSetup } from "../src/engine/deploy/engine-setup.js";
import { loadHooks } from "../src/hooks/index.js";
import { closePythonHosts } from "../src/hooks/python/python-host.js";
import { LocalBackend } from "../src/state/index.js";
import { desiredResources } from "../src/synth/index.js";
import { ringDocument, ringProduct } from "./engine-mesh.js";

export type HookLanguage = "ts" | "py";

export interface PythonHooksCase {
  lang: HookLanguage;
  plugs: number;
  setupHooks: number;
  loadMs: number;
  applyMs: number;
  /** CPU of the meshroom process only (the Python process's own CPU is not in it). */
  applyCpuMs: number;
}

const TS = `import { setupProducer, setupConsumer } from "meshroom/hooks";
setupProducer("events", async function setup_producer({ plug }) { return { outputs: { producer_id: "p-" + plug.src } }; });
setupConsumer("events", async function setup_consumer({ plug }) { return { outputs: { consumer_id: "c-" + plug.dst } }; });
`;
const PY = `from meshroom.decorators import setup_producer, setup_consumer

@setup_producer("events")
def setup_producer(plug):
    return {"producer_id": "p-" + plug.src}

@setup_consumer("events")
def setup_consumer(plug):
    return {"consumer_id": "c-" + plug.dst}
`;

export async function runPythonHooksCase(lang: HookLanguage, plugs: number, parallelism: number): Promise<PythonHooksCase> {
  const dir = mkdtempSync(join(tmpdir(), "meshroom-bench-py-"));
  try {
    const productDir = join(dir, "products", "p");
    mkdirSync(productDir, { recursive: true });
    writeFileSync(join(productDir, `hooks.${lang}`), lang === "ts" ? TS : PY);
    const t0 = performance.now();
    const registry = await loadHooks({ root: dir, products: [{ name: "p", dir: productDir }] });
    const loadMs = performance.now() - t0;
    const document = ringDocument(plugs);
    const graph = buildCapabilityGraph({ products: [{ ...ringProduct(), dir: productDir }], integrations: [], hooks: registry.descriptors() });
    const setup: EngineSetup = {
      document, resources: desiredResources(document), store: new LocalBackend(dir).store(),
      runtimeFor: (instance) => new HookRuntime({ graph, hooks: registry, instance }),
    };
    const c0 = process.cpuUsage();
    const t1 = performance.now();
    const applied = await applyOperation(setup, { parallelism });
    const applyMs = performance.now() - t1;
    const c = process.cpuUsage(c0);
    const r = applied.result;
    if (!r || r.failures.length > 0 || r.stateError) throw new Error(`apply failed: ${JSON.stringify(r?.failures.slice(0, 2))}`);
    return { lang, plugs, setupHooks: 2 * plugs, loadMs, applyMs, applyCpuMs: (c.user + c.system) / 1000 };
  } finally {
    closePythonHosts();
    rmSync(dir, { recursive: true, force: true });
  }
}
