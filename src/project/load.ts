import { existsSync, lstatSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { MeshroomError, throwIfDiagnostics, type Diagnostic, type SourceLocation } from "../errors/index.js";
import {
  type ExplicitIntegration, type Instance, type Plug, type Product, type SettingDef,
  integrationRefKey, isIntegrationFile, isValidName, normalizeProduct, normalizeSetting,
  parseIntegrationFileName, parsePlugFileName, plugAddress,
} from "../model/index.js";
import { settingProblems, type SettingProblem } from "../model/setting-rules.js";
import { escapeOf, outsideProjectSummary } from "../util/confined-path.js";
import { paths } from "./paths.js";
import type { Project } from "./project.js";
import type { ProjectSettings } from "./project-file.js";
import { ManifestReader } from "./manifest-reader.js";
import { dirNamesIn as listDirs, fileNamesIn as listFiles } from "./dir-listing.js";
import { type HookFiles, integrationHookFilesIn, productHookFileNames } from "./hook-files.js";

export interface LoadResult {
  project: Project;
  diagnostics: Diagnostic[];
}

/** True when `root` looks like a meshroom project. */
export function isProjectDir(root: string): boolean {
  return existsSync(paths.projectFile(root)) || (existsSync(paths.productsDir(root)) && existsSync(paths.instancesDir(root)));
}

/** Loads a project and throws one error listing every problem. */
export async function loadProject(root: string): Promise<Project> {
  const { project, diagnostics } = await loadProjectWithDiagnostics(root);
  throwIfDiagnostics(diagnostics, `project ${root} is invalid (run \`meshroom validate\` to see every problem)`);
  return project;
}

/** Loads what can be loaded and reports every problem (for `validate`). */
export async function loadProjectWithDiagnostics(root: string): Promise<LoadResult> {
  if (!isProjectDir(root)) {
    throw new MeshroomError("E_NOT_PROJECT", `${root} is not a meshroom project`, {
      detail: "create one with `meshroom init <path>`, or point at one with `-p <dir>`",
    });
  }
  const diagnostics: Diagnostic[] = [];
  const rel = (f: string) => relative(root, f) || f;
  const manifests = ManifestReader.open(root);
  const settings = await loadProjectFile(root, manifests, diagnostics);
  const products = new Map<string, Product>();
  const hookFiles: HookFiles = { products: new Map(), integrations: [], ignored: [] };
  const integrations: ExplicitIntegration[] = [];
  const brokenProducts = new Set<string>();
  /** Hook files that are symbolic links (from the folder listings). */
  const linkedFiles = new Set<string>();

  for (const name of listDirs(paths.productsDir(root), manifests.listings)) {
    const dir = paths.productDir(root, name);
    if (!isValidName(name)) {
      diagnostics.push({ summary: `invalid product folder name ${JSON.stringify(name)}`, location: { file: rel(dir) } });
      continue;
    }
    const defFile = paths.definition(root, name);
    if (!existsSync(defFile)) {
      diagnostics.push({ summary: "product folder has no definition.yaml", location: { file: rel(dir) } });
      continue;
    }
    const parsed = await manifests.read("product", defFile);
    diagnostics.push(...parsed.diagnostics);
    manifests.remember("product", defFile, parsed);
    // a product whose definition has errors still exists: its integrations and instances are
    // checked too, so one broken definition does not hide (or fake) problems elsewhere
    const loadedIntegrations = await loadIntegrations(root, name, diagnostics, manifests, hookFiles, linkedFiles);
    if (!parsed.value) {
      brokenProducts.add(name);
      continue;
    }
    products.set(name, normalizeProduct(name, dir, parsed.value));
    hookFiles.products.set(name, productHookFileNames(listFiles(dir, linkedFiles, manifests.listings)).map((f) => join(dir, f)));
    integrations.push(...loadedIntegrations);
  }
  for (const i of integrations) {
    if (!products.has(i.target) && !brokenProducts.has(i.target)) {
      diagnostics.push({ summary: `integration targets unknown product ${JSON.stringify(i.target)}`, location: { file: rel(i.file) } });
    }
  }
  const instances = await loadInstances(root, products, brokenProducts, diagnostics, manifests);
  const plugs = await loadPlugs(root, instances, integrations, diagnostics, manifests);
  confineHookFiles(root, hookFiles, integrations, diagnostics, linkedFiles);
  manifests.save();
  return { project: { root, settings, products, integrations, instances, plugs, hookFiles }, diagnostics };
}

/**
 * Hook files are imported (run) later: one that a symbolic link places outside the project is
 * refused here, and left out so that not even `validate` imports it. Only what may be a link is
 * resolved (a catalog has thousands of hook files): the file when its listing saw a link, and the
 * folders whose names are fixed (`products`, `products/<p>/integrations`: the listings skip
 * linked product and target folders).
 */
function confineHookFiles(
  root: string, hookFiles: HookFiles, integrations: ExplicitIntegration[], diagnostics: Diagnostic[], linkedFiles: ReadonlySet<string>,
): void {
  const productsLinked = isLink(paths.productsDir(root));
  const linkedDirs = new Map<string, boolean>();
  const mayEscape = (file: string, fixedDir: string | undefined): boolean => {
    if (productsLinked || linkedFiles.has(file)) return true;
    if (fixedDir === undefined) return false;
    let linked = linkedDirs.get(fixedDir);
    if (linked === undefined) linkedDirs.set(fixedDir, (linked = isLink(fixedDir)));
    return linked;
  };
  const refused = new Set<string>();
  const keep = (file: string, fixedDir?: string): boolean => {
    if (!mayEscape(file, fixedDir)) return true;
    const escape = escapeOf(root, file);
    if (escape === undefined) return true;
    refused.add(file);
    diagnostics.push({ summary: `hook file ${outsideProjectSummary(escape)}`, location: { file: relative(root, file) } });
    return false;
  };
  for (const [product, files] of hookFiles.products) hookFiles.products.set(product, files.filter((f) => keep(f)));
  hookFiles.integrations = hookFiles.integrations.filter((h) => keep(h.file, paths.integrationsDir(root, h.product)));
  for (const i of integrations) if (i.hooksFile !== undefined && refused.has(i.hooksFile)) delete i.hooksFile;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

async function loadProjectFile(root: string, manifests: ManifestReader, diagnostics: Diagnostic[]): Promise<ProjectSettings> {
  const file = paths.projectFile(root);
  if (!existsSync(file)) return {};
  const parsed = await manifests.read("project", file);
  diagnostics.push(...parsed.diagnostics);
  manifests.remember("project", file, parsed);
  return parsed.value ?? {};
}

async function loadIntegrations(
  root: string, product: string, diagnostics: Diagnostic[], manifests: ManifestReader, hookFiles: HookFiles, linkedFiles: Set<string>,
): Promise<ExplicitIntegration[]> {
  const out: ExplicitIntegration[] = [];
  const base = paths.integrationsDir(root, product);
  for (const target of listDirs(base, manifests.listings)) {
    const dir = join(base, target);
    if (!isValidName(target)) {
      diagnostics.push({ summary: `invalid integration target folder ${JSON.stringify(target)}`, location: { file: relative(root, dir) } });
      continue;
    }
    const files = listFiles(dir, linkedFiles, manifests.listings);
    const hooks = integrationHookFilesIn(product, target, dir, files);
    hookFiles.integrations.push(...hooks.found);
    hookFiles.ignored.push(...hooks.ignored);
    const hookFileOf = new Map(hooks.found.map((h) => [basename(h.file).replace(/\.[^.]+$/, ""), h.file]));
    for (const f of files.filter(isIntegrationFile).sort()) {
      const file = join(dir, f);
      // only for problems: path.relative costs, and a catalog has thousands of integrations
      const shown = () => relative(root, file);
      const key = parseIntegrationFileName(f);
      if (!key) {
        diagnostics.push({
          summary: `integration file name must be <topic>_<role>[_<format>][_pull].yaml (role: producer, consumer, trigger or executor)`,
          location: { file: shown() },
        });
        continue;
      }
      const parsed = await manifests.read("integration", file);
      diagnostics.push(...parsed.diagnostics);
      if (!parsed.value) continue;
      const raw = parsed.value;
      const before = diagnostics.length;
      const mismatch = (field: string, inFile: unknown, inName: unknown) =>
        diagnostics.push({ summary: `${field} ${JSON.stringify(inFile)} disagrees with the file name (${JSON.stringify(inName)})`, location: parsed.locate?.([field]) ?? { file: shown(), field } });
      if (raw.topic !== undefined && raw.topic !== key.topic) mismatch("topic", raw.topic, key.topic);
      if (raw.role !== undefined && raw.role !== key.role) mismatch("role", raw.role, key.role);
      if (raw.mode !== undefined && raw.mode !== key.mode) mismatch("mode", raw.mode, key.mode);
      if (raw.format != null && raw.format !== key.format) mismatch("format", raw.format, key.format ?? null);
      const hooksFile = hookFileOf.get(f.replace(/\.ya?ml$/, ""));
      const { topic: _t, role: _r, mode: _m, format: _f, description, plug_settings, settings, hooks, ...extra } = raw;
      const plugSettings = [...(plug_settings ?? []), ...(Array.isArray(settings) ? settings : [])].map(normalizeSetting);
      const seen = new Set<string>();
      for (const d of plugSettings) {
        if (seen.has(d.name)) diagnostics.push({ summary: `plug setting ${d.name} is declared twice (in settings and plug_settings)`, location: { file: shown(), field: "settings" } });
        seen.add(d.name);
      }
      const integ: ExplicitIntegration = {
        ...key,
        product,
        target,
        plugSettings,
        settings: Array.isArray(settings) ? {} : settings ?? {},
        extra,
        commandHooks: hooks ?? [],
        file,
      };
      if (description !== undefined) integ.description = description;
      if (hooksFile) integ.hooksFile = hooksFile;
      if (parsed.diagnostics.length === 0 && diagnostics.length === before) manifests.remember("integration", file, parsed);
      out.push(integ);
    }
  }
  return out;
}

async function loadInstances(
  root: string, products: Map<string, Product>, brokenProducts: ReadonlySet<string>, diagnostics: Diagnostic[], manifests: ManifestReader,
): Promise<Map<string, Instance>> {
  const instances = new Map<string, Instance>();
  const base = paths.instancesDir(root);
  for (const product of listDirs(base, manifests.listings)) {
    for (const name of listDirs(join(base, product), manifests.listings)) {
      const file = paths.instanceConfig(root, product, name);
      // only for problems: path.relative costs, and a big project has thousands of files
      const shown = () => relative(root, file);
      if (!isValidName(name) || !isValidName(product)) {
        diagnostics.push({
          summary: `invalid instance folder ${JSON.stringify(`${product}/${name}`)}`, location: { file: relative(root, join(base, product, name)) }, rule: "bad-name",
        });
        continue;
      }
      const def = products.get(product);
      if (!def && !brokenProducts.has(product)) {
        diagnostics.push({ summary: `instance ${name} is of unknown product ${JSON.stringify(product)}`, location: { file: shown() }, rule: "unknown-product" });
        continue;
      }
      const other = instances.get(name);
      if (other) {
        diagnostics.push({
          summary: `instance name ${JSON.stringify(name)} is used twice (products ${other.product} and ${product}); instance names are unique in a project`,
          location: { file: shown() },
        });
        continue;
      }
      const found = await manifests.readExisting("instance", file);
      if (!found) {
        diagnostics.push({ summary: "instance folder has no config.yaml", location: { file: shown() } });
        continue;
      }
      let parsed = found;
      diagnostics.push(...parsed.diagnostics);
      if (!parsed.value) continue;
      // the file itself is remembered once it parses: its settings are checked against the
      // product's definition on every load, as the definition may change on its own
      manifests.remember("instance", file, parsed);
      const settings = parsed.value.settings ?? {};
      if (def) {
        const check = (locate?: (path: (string | number)[]) => SourceLocation) =>
          checkInstanceSettings(def, settings, (field) => locate?.(["settings", field]) ?? { file: shown(), field: `settings.${field}` });
        let problems = check(parsed.locate);
        // a cached file has no line numbers: parse it again to point at each problem
        if (problems.length && parsed.cached) {
          parsed = await manifests.parse("instance", file);
          problems = check(parsed.locate);
        }
        diagnostics.push(...problems);
      }
      instances.set(name, { name, product, settings, file });
    }
  }
  return instances;
}

/** Settings in config.yaml obey the mesh's setting rules (model/setting-rules.ts), as a code mesh's do. */
function checkInstanceSettings(def: Product, settings: Record<string, unknown>, at: (setting: string) => SourceLocation): Diagnostic[] {
  const problems = settingProblems(def.settings, settings, {
    owner: `product ${def.name}`,
    secretFix: (k) => `remove it and run \`meshroom configure <instance> -s ${k}\``,
  });
  return settingDiagnostics(problems, at, (setting) => `settings.${setting}`);
}

/** Setting problems as diagnostics at `at(setting)`; a missing key, which has no line of its own, at its parent's location with the key's `field`. */
function settingDiagnostics(problems: readonly SettingProblem[], at: (setting: string) => SourceLocation, field: (setting: string) => string): Diagnostic[] {
  return problems.map((p) => {
    const where = p.rule === "missing-required" ? { ...at(p.setting), field: field(p.setting) } : at(p.setting);
    return { summary: p.summary, location: where, rule: p.rule, ...(p.detail !== undefined ? { detail: p.detail } : {}) };
  });
}

async function loadPlugs(
  root: string, instances: Map<string, Instance>, integrations: readonly ExplicitIntegration[], diagnostics: Diagnostic[], manifests: ManifestReader,
): Promise<Plug[]> {
  const plugs: Plug[] = [];
  // each explicit integration's plug settings by its key: one lookup per plug side, not a scan of the catalog
  const plugSettingsOf = new Map(integrations.map((i) => [integrationRefKey(i), i.plugSettings]));
  for (const src of instances.values()) {
    const base = paths.plugsDir(root, src.product, src.name);
    for (const dst of listDirs(base, manifests.listings)) {
      for (const f of listFiles(join(base, dst), undefined, manifests.listings).filter(isIntegrationFile)) {
        const file = join(base, dst, f);
        // only for problems: path.relative costs, and a big project has thousands of files
        const shown = () => relative(root, file);
        const key = parsePlugFileName(f);
        if (!key) {
          diagnostics.push({ summary: "plug file name must be <topic>[_pull].yaml", location: { file: shown() } });
          continue;
        }
        if (!instances.has(dst)) {
          diagnostics.push({ summary: `plug destination ${JSON.stringify(dst)} is not an instance of this project`, location: { file: shown() } });
          continue;
        }
        let parsed = await manifests.read("plug", file);
        diagnostics.push(...parsed.diagnostics);
        if (!parsed.value) continue;
        const raw = parsed.value;
        const before = diagnostics.length;
        if (raw.topic !== undefined && raw.topic !== key.topic) {
          diagnostics.push({ summary: `topic ${JSON.stringify(raw.topic)} disagrees with the file name`, location: parsed.locate?.(["topic"]) ?? { file: shown(), field: "topic" } });
        }
        if (raw.mode !== undefined && raw.mode !== key.mode) {
          diagnostics.push({ summary: `mode ${JSON.stringify(raw.mode)} disagrees with the file name`, location: parsed.locate?.(["mode"]) ?? { file: shown(), field: "mode" } });
        }
        if (parsed.diagnostics.length === 0 && diagnostics.length === before) manifests.remember("plug", file, parsed);
        const plug: Plug = {
          src: src.name, dst, topic: key.topic, mode: key.mode, kind: raw.kind, owner: raw.owner,
          settings: { src: raw.settings?.src ?? {}, dst: raw.settings?.dst ?? {} },
          file,
        };
        if (raw.format != null) plug.format = raw.format;
        if (raw.src_integration) plug.srcIntegration = raw.src_integration;
        if (raw.dst_integration) plug.dstIntegration = raw.dst_integration;
        // checked on every load, cached or not: the integration may change on its own
        const check = (locate?: (path: (string | number)[]) => SourceLocation) =>
          checkPlugSettings(plug, plugSettingsOf, (side, field) => locate?.(["settings", side, field]) ?? { file: shown(), field: `settings.${side}.${field}` });
        let problems = check(parsed.locate);
        if (problems.length && parsed.cached) {
          parsed = await manifests.parse("plug", file); // a cached file has no line numbers
          problems = check(parsed.locate);
        }
        diagnostics.push(...problems);
        plugs.push(plug);
      }
    }
  }
  plugs.sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst) || cmp(a.topic, b.topic) || cmp(a.mode, b.mode));
  return plugs;
}

/**
 * A plug file's settings obey the setting rules (model/setting-rules.ts) against the plug
 * settings of each side's explicit integration, as a code mesh's plugs do; a side set up by a
 * generic integration has none (as `meshroom plug -c` says). A side whose integration is gone, or
 * not recorded, is left to plan, which names it and the fix.
 */
function checkPlugSettings(
  plug: Plug, plugSettingsOf: ReadonlyMap<string, readonly SettingDef[]>, at: (side: "src" | "dst", setting: string) => SourceLocation,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scope = `plug:${plugAddress(plug.src, plug.dst, plug.topic, plug.mode).replace(/^plug\./, "")}`;
  for (const side of ["src", "dst"] as const) {
    const ref = side === "src" ? plug.srcIntegration : plug.dstIntegration;
    if (!ref) continue; // no integration recorded: plan refuses the plug and says how to plug it again
    const defs = ref.explicit ? plugSettingsOf.get(integrationRefKey(ref)) : [];
    if (!defs) continue;
    const problems = settingProblems(defs, plug.settings[side], {
      owner: `the ${side} side of this plug`,
      secretFix: (k) => `remove it and run \`meshroom secrets set ${scope} ${k}\``,
    });
    out.push(...settingDiagnostics(problems, (setting) => at(side, setting), (setting) => `settings.${side}.${setting}`));
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
