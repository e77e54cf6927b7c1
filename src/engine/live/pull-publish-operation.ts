import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { listIntegrations } from "../../capabilities/index.js";
import { runHook, type HookLogSink } from "../../hooks/index.js";
import { compareHookOrder, type Role } from "../../model/index.js";
import { paths } from "../../project/paths.js";
import { productFileHashes, sha256 } from "../../project/product-trust.js";
import { liveIntegrationInput } from "./hook-input.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";
import { createProjectHandle } from "./project-handle.js";
import { recordOrigin } from "../../mesh/trust.js";

export interface CatalogDeps {
  log: HookLogSink;
  signal: AbortSignal;
}

export interface PullReport {
  hooks: Array<{ title: string; value?: unknown }>;
  /** Files the hooks created or updated through the project handle. */
  changes: string[];
  /** Products whose files the pull changed: recorded as pulled in meshroom.lock, their code not run until trusted. */
  pulled: string[];
}

/** Runs a product's `pull` hooks in order, each with `path` = mirrors/<product> and a project handle. */
export async function pullProduct(mesh: LoadedMesh, product: string, deps: CatalogDeps): Promise<PullReport> {
  if (!mesh.project.products.has(product)) throw new MeshroomError("E_NOT_FOUND", `product ${product} not found`, { detail: "see `meshroom list products`" });
  const hooks = mesh.hooks.entries().filter((e) => e.descriptor.kind === "pull" && e.descriptor.product === product)
    .sort((a, b) => compareHookOrder(a.descriptor, b.descriptor));
  if (hooks.length === 0) throw new MeshroomError("E_NO_HOOK", `no \`pull\` hook for product ${product}`, { detail: `add one to products/${product}/*.ts: pull(async ({ path, project, git }) => …)` });
  const path = paths.mirrorsDir(mesh.project.root, product);
  mkdirSync(path, { recursive: true });
  const changes: string[] = [];
  const project = createProjectHandle(mesh.project.root, changes);
  const report: PullReport = { hooks: [], changes, pulled: [] };
  // what a pull writes under products/ came from outside: its code waits for `meshroom trust`
  const before = productHashes(mesh.project.root);
  try {
    for (const entry of hooks) {
      const r = await runHook(entry, { path }, { address: `product.${product}`, signal: deps.signal, log: deps.log, project, cwd: mesh.project.root });
      report.hooks.push({ title: entry.descriptor.title, ...(r.value !== undefined ? { value: r.value } : {}) });
    }
  } finally {
    const after = productHashes(mesh.project.root);
    report.pulled = [...after.keys()].filter((p) => after.get(p) !== before.get(p)).sort();
    recordOrigin(mesh.project.root, report.pulled, `meshroom pull ${product}`);
  }
  return report;
}

/** One hash per product folder (of its file hashes), to see which ones a pull changed. */
function productHashes(root: string): Map<string, string> {
  const dir = paths.productsDir(root);
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    out.set(e.name, sha256(JSON.stringify(productFileHashes(join(dir, e.name)))));
  }
  return out;
}

export interface PublishFilter {
  product: string;
  target?: string;
  topic?: string;
  role?: Role;
}

/** Runs `publish` hooks for every matching explicit integration of PRODUCT. */
export async function publishProduct(mesh: LoadedMesh, f: PublishFilter, deps: CatalogDeps): Promise<Array<{ integration: string; title: string; value?: unknown }>> {
  if (!mesh.project.products.has(f.product)) throw new MeshroomError("E_NOT_FOUND", `product ${f.product} not found`);
  const integrations = listIntegrations(mesh.graph, { product: f.product, ...(f.target ? { target: f.target } : {}), ...(f.topic ? { topic: f.topic } : {}), ...(f.role ? { role: f.role } : {}) })
    .filter((i) => i.explicit);
  if (integrations.length === 0) throw new MeshroomError("E_NOT_FOUND", `no explicit integration of ${f.product} matches`, { detail: "see `meshroom list integrations " + f.product + "`" });
  const out: Array<{ integration: string; title: string; value?: unknown }> = [];
  const project = createProjectHandle(mesh.project.root);
  for (const i of integrations) {
    const hooks = i.hooks.filter((h) => h.kind === "publish");
    const productWide = mesh.hooks.entries().filter((e) => e.descriptor.kind === "publish" && e.descriptor.product === f.product && e.descriptor.target === undefined && e.descriptor.role === undefined && e.descriptor.topic === undefined)
      .map((e) => e.descriptor);
    const all = [...new Map([...hooks, ...productWide].map((h) => [h.id, h])).values()].sort(compareHookOrder);
    if (all.length === 0) throw new MeshroomError("E_NO_HOOK", `no \`publish\` hook for ${f.product} → ${i.target} ${i.topic} ${i.role}`, { detail: `add one: publish(async ({ integration, git }) => …) in products/${f.product}/*.ts` });
    const ref = { product: i.product, target: i.target, topic: i.topic, role: i.role, mode: i.mode, explicit: true, ...(i.format ? { format: i.format } : {}) };
    const name = `${i.product}/${i.target}/${i.topic}_${i.role}`;
    for (const h of all) {
      const entry = mesh.hooks.require(h.id);
      const r = await runHook(entry, { integration: liveIntegrationInput(mesh, ref), path: paths.productDir(mesh.project.root, f.product) },
        { address: `integration.${name.replaceAll("/", ".")}`, signal: deps.signal, log: deps.log, project, cwd: mesh.project.root });
      out.push({ integration: name, title: h.title, ...(r.value !== undefined ? { value: r.value } : {}) });
    }
  }
  return out;
}
