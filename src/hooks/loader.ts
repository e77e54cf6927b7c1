import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Diagnostic, MeshroomError } from "../errors/index.js";
import type { CommandHookDecl, IntegrationKey } from "../model/index.js";
import { hookCompileCache, jitiCacheOptions } from "../util/compile-cache.js";
import { PACKAGE_ROOT } from "../util/version.js";
import { findHookFiles, isPythonHookFile, type HookFiles, type IntegrationHookFile } from "../project/hook-files.js";
import { hookGlobalState, type HookRegistration } from "./api.js";
import { commandHookFn, commandHookRaw } from "./command-hooks.js";
import { toDescriptor, type HookOrigin, type RawHook } from "./descriptor.js";
import { HookRegistry, type HookEntry, type HookFn } from "./registry.js";
import type { PythonHookFile } from "./python/python-hooks.js";

/** A product as the loader needs it (the project module's `Product` fits). */
export interface HookSourceProduct {
  name: string;
  /** Absolute directory products/<name>. */
  dir: string;
  commandHooks?: CommandHookDecl[];
}

/** An explicit integration as the loader needs it (the project module's `ExplicitIntegration` fits). */
export interface HookSourceIntegration extends IntegrationKey {
  product: string;
  target: string;
  /** Absolute path of the integration YAML. */
  file: string;
  commandHooks?: CommandHookDecl[];
}

export interface LoadHooksInput {
  /** Project root, for ids and messages. */
  root: string;
  products: readonly HookSourceProduct[];
  /** Only their YAML command hooks are taken from here. */
  integrations?: readonly HookSourceIntegration[];
  /** The hook files, as the project loader found them (`project.hookFiles`); looked for on disk when absent. */
  files?: HookFiles;
}

/**
 * Registers every hook of a project: product-wide files `products/<p>/*.ts|js|mjs|py`, integration
 * files `products/<p>/integrations/<t>/<stem>.ts|py` next to `<stem>.yaml`, and YAML command hooks.
 * Imports each file once per process (Python files in the project's Python host, or not at all
 * when their registrations are cached); never calls a hook body.
 */
export async function loadHooks(input: LoadHooksInput): Promise<HookRegistry> {
  const { registry, problems, importFailures } = await collectHooks(input);
  // one file that cannot be imported is its own error (with its cause, for --debug)
  if (problems.length === 1 && importFailures.length === 1) throw importFailures[0]!;
  if (problems.length > 0) {
    throw new MeshroomError("E_BAD_MANIFEST", `hooks: ${problems.length} problem${problems.length === 1 ? "" : "s"} found`, {
      diagnostics: problems,
      ...(importFailures[0] ? { cause: importFailures[0] } : {}),
    });
  }
  return registry;
}

export interface CollectedHooks {
  /** The hooks that registered cleanly, with the loader's warnings. */
  registry: HookRegistry;
  /** Every hook file that could not be imported and every registration that is invalid where it is. */
  problems: Diagnostic[];
  /** The errors of the files that could not be imported (each also in `problems`). */
  importFailures: MeshroomError[];
}

/** Like loadHooks, but hands back the problems (for `validate`) instead of throwing them. */
export async function collectHooks(input: LoadHooksInput): Promise<CollectedHooks> {
  const state = hookGlobalState();
  const prev = state.lock;
  let release!: () => void;
  state.lock = new Promise((r) => (release = r));
  await prev;
  try {
    return await collectUnlocked(input);
  } finally {
    release();
  }
}

async function collectUnlocked(input: LoadHooksInput): Promise<CollectedHooks> {
  const entries: HookEntry[] = [];
  const warnings: string[] = [];
  const problems: Diagnostic[] = [];
  /** Files that could not be imported: the others are still loaded, so every problem is reported at once. */
  const importFailures: MeshroomError[] = [];
  const prefix = input.root.endsWith(sep) ? input.root : input.root + sep;
  // files are under the root: a slice, not path.relative (thousands of calls on a big catalog)
  const rel = (f: string) => (f.startsWith(prefix) ? f.slice(prefix.length) : relative(input.root, f)).split(sep).join("/");
  const add = (raw: RawHook, fn: HookFn, origin: HookOrigin, id: string, dir: string, file: string) => {
    const d = toDescriptor(raw, origin, id);
    if (typeof d === "string") problems.push({ summary: d, location: { file: rel(file) } });
    else entries.push({ descriptor: d, fn, dir });
  };

  const files = input.files ?? findHookFiles(input.products);
  const integrationFiles = new Map<string, IntegrationHookFile[]>();
  for (const h of files.integrations) {
    const list = integrationFiles.get(h.product);
    if (list) list.push(h);
    else integrationFiles.set(h.product, [h]);
  }
  for (const { file, reason } of files.ignored) warnings.push(`${rel(file)}: ignored, ${reason}`);
  const python = await pythonRegistrations(input, files, rel);
  const registrationsOf = async (file: string): Promise<HookRegistration[]> => {
    try {
      if (isPythonHookFile(file)) {
        const r = python.get(file);
        if (r === undefined || r instanceof MeshroomError) throw r ?? new MeshroomError("E_INTERNAL", `${rel(file)} was not registered`);
        return r;
      }
      return await importHookFile(file, rel(file));
    } catch (e) {
      if (!(e instanceof MeshroomError)) throw e;
      importFailures.push(e);
      problems.push(...e.diagnostics);
      return [];
    }
  };

  for (const p of [...input.products].sort((a, b) => cmp(a.name, b.name))) {
    for (const file of files.products.get(p.name) ?? []) {
      const origin: HookOrigin = { type: "product", product: p.name, source: rel(file) };
      (await registrationsOf(file)).forEach((r, i) => add(fromRegistration(r), r.fn as HookFn, origin, `${rel(file)}#${r.registrar}:${r.topic ?? ""}:${i}`, p.dir, file));
    }
    const defFile = join(p.dir, "definition.yaml");
    (p.commandHooks ?? []).forEach((decl, i) => {
      const origin: HookOrigin = { type: "product", product: p.name, source: rel(defFile) };
      add(commandHookRaw(decl), commandHookFn(decl, p.dir), origin, `${rel(defFile)}#hooks[${i}]`, p.dir, defFile);
    });
    for (const { file, target, key } of integrationFiles.get(p.name) ?? []) {
      const origin: HookOrigin = { type: "integration", product: p.name, target, key, source: rel(file) };
      (await registrationsOf(file)).forEach((r, i) => add(fromRegistration(r), r.fn as HookFn, origin, `${rel(file)}#${r.registrar}:${r.topic ?? ""}:${i}`, dirname(file), file));
    }
  }
  for (const integ of input.integrations ?? []) {
    const key: IntegrationKey = { topic: integ.topic, role: integ.role, mode: integ.mode };
    if (integ.format !== undefined) key.format = integ.format;
    const origin: HookOrigin = { type: "integration", product: integ.product, target: integ.target, key, source: rel(integ.file) };
    (integ.commandHooks ?? []).forEach((decl, i) => {
      add(commandHookRaw(decl), commandHookFn(decl, dirname(integ.file)), origin, `${rel(integ.file)}#hooks[${i}]`, dirname(integ.file), integ.file);
    });
  }
  if (cacheWarning !== undefined) warnings.push(cacheWarning);
  return { registry: new HookRegistry(entries, warnings), problems, importFailures };
}

/** The Python hook files among FILES, registered in one go by the project's Python host (python/python-hooks.ts). */
async function pythonRegistrations(input: LoadHooksInput, files: HookFiles, rel: (f: string) => string): Promise<Map<string, HookRegistration[] | MeshroomError>> {
  const dirs = new Map(input.products.map((p) => [p.name, p.dir] as const));
  const py: PythonHookFile[] = [];
  const add = (product: string, file: string) => {
    const productDir = dirs.get(product);
    if (productDir !== undefined && isPythonHookFile(file)) py.push({ file, product, productDir, shown: rel(file) });
  };
  for (const p of input.products) for (const f of files.products.get(p.name) ?? []) add(p.name, f);
  for (const h of files.integrations) add(h.product, h.file);
  if (py.length === 0) return new Map();
  const { registerPythonHookFiles } = await import("./python/python-hooks.js");
  return registerPythonHookFiles(input.root, py);
}

function fromRegistration(r: HookRegistration): RawHook {
  const raw: RawHook = { registrar: r.registrar, kind: r.kind, opts: r.opts, defaultTitle: r.fn.name || `${r.registrar}(${r.topic ?? ""})` };
  if (r.role !== undefined) raw.role = r.role;
  if (r.topic !== undefined) raw.topic = r.topic;
  return raw;
}

type Jiti = { import(id: string): Promise<unknown> };
let jitiInstance: Promise<Jiti> | undefined;
/** Why compiled hooks are not cached on disk this run (the cache folder is unsafe), once per process. */
let cacheWarning: string | undefined;

/**
 * jiti is loaded on first use only: `list` and `--help` must not pay for a TS transpiler. Its
 * compile cache is meshroom's private folder or nothing, never the shared `$TMPDIR/jiti`
 * (util/compile-cache.ts says why).
 */
function getJiti(): Promise<Jiti> {
  return (jitiInstance ??= (async () => {
    // jiti's CommonJS entry, required: importing it from ESM makes Node scan its 190 KB bundle
    // for export names first (cjs-module-lexer), a tenth of a no-op plan's start-up
    const { createJiti } = createRequire(import.meta.url)("jiti") as typeof import("jiti");
    const cache = hookCompileCache();
    if (cache.dir === false && cache.unsafe) cacheWarning = `compiled hooks are not cached: ${cache.reason}`;
    return createJiti(import.meta.url, {
      alias: { "meshroom/hooks": hooksApiPath() },
      moduleCache: true,
      interopDefault: true,
      tryNative: false,
      esmEvalTempFile: false,
      ...jitiCacheOptions(cache),
    });
  })());
}

/**
 * The api module of this running meshroom: api.js when built, api.ts when run from source, and
 * the built api.js when this code runs from the CLI bundle (dist/cli/, see scripts/bundle.js).
 */
export function hooksApiPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "api.js"), join(here, "api.ts")]) if (existsSync(candidate)) return candidate;
  return join(PACKAGE_ROOT, "dist", "src", "hooks", "api.js");
}

/** Imports one hook file (once per process) and returns what it registered. */
async function importHookFile(file: string, shown: string): Promise<HookRegistration[]> {
  const state = hookGlobalState();
  const known = state.byFile.get(file);
  if (known) return known;
  const jiti = await getJiti();
  const collected: HookRegistration[] = [];
  state.collecting = collected;
  try {
    await jiti.import(file);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new MeshroomError("E_BAD_MANIFEST", `could not load hook file ${shown}: ${firstLine(msg)}`, {
      detail: msg.includes("\n") ? msg : undefined,
      diagnostics: [{ summary: `cannot be loaded: ${firstLine(msg)}`, location: { file: shown } }],
      cause: e,
    });
  } finally {
    state.collecting = undefined;
  }
  state.byFile.set(file, collected);
  return collected;
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
