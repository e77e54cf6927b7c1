import { dirname } from "node:path";
import { applyOverloading, hookAppliesTo } from "../../capabilities/index.js";
import { runHook, type HookLogSink } from "../../hooks/index.js";
import { compareHookOrder, type Mode, type Role } from "../../model/index.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";

export interface ScaffoldRequest {
  product: string;
  target: string;
  topic: string;
  role: Role;
  mode: Mode;
  format?: string;
  /** The integration YAML just written; scaffold files go next to it. */
  file: string;
}

/** Runs PRODUCT's `scaffold` hooks that match the new integration; returns their titles. */
export async function runScaffoldHooks(mesh: LoadedMesh, req: ScaffoldRequest, deps: { log: HookLogSink; signal: AbortSignal }): Promise<string[]> {
  const scope = { product: req.product, target: req.target, role: req.role, topic: req.topic, mode: req.mode, ...(req.format ? { format: req.format } : {}) };
  const hooks = applyOverloading(mesh.hooks.descriptors().filter((h) => h.kind === "scaffold" && hookAppliesTo(h, scope))).sort(compareHookOrder);
  for (const h of hooks) {
    await runHook(mesh.hooks.require(h.id), {
      integration: { product: req.product, targetProduct: req.target, topic: req.topic, role: req.role, mode: req.mode, ...(req.format ? { format: req.format } : {}) },
      filesDir: dirname(req.file),
    }, { address: `integration.${req.product}.${req.target}.${req.topic}.${req.role}`, signal: deps.signal, log: deps.log, cwd: mesh.project.root });
  }
  return hooks.map((h) => h.title);
}
