import { existsSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { writeFileAtomicSync as writeFileAtomic } from "../../util/atomic-write.js";
import { type Mode, type Role, assertFileNameSafe, assertName, complementaryRole, type IntegrationKey } from "../../model/index.js";
import { prepareProjectWrite } from "../../util/confined-path.js";
import { paths } from "../../project/paths.js";
import { addCapability, writeIntegrationFile } from "../../project/save.js";
import { loadProject } from "../../project/load.js";
import { allOrNothing, assertProjectStillLoads } from "../../project/all-or-nothing.js";
import { type ProductTemplate, TEMPLATES, findTemplate } from "../../project/templates/catalog.js";
import { renderDefinition, renderStarterHooks } from "../../project/templates/render-template.js";
import { renderStarterIntegrationPython, renderStarterPythonHooks, type HookLang } from "../../project/templates/python-starters.js";

export interface CreateProductResult {
  product: string;
  files: string[];
}

/** Scaffolds products/NAME/ (definition.yaml + a commented hooks file, TypeScript or Python), optionally from a template. */
export async function createProduct(root: string, name: string, from?: string, lang: HookLang = "ts"): Promise<CreateProductResult> {
  assertName("product", name);
  await loadProject(root);
  const dir = paths.productDir(root, name);
  if (existsSync(dir)) throw new MeshroomError("E_EXISTS", `product ${name} already exists`, { detail: `edit ${paths.definition(root, name)} instead` });
  let t: ProductTemplate | undefined;
  if (from !== undefined) {
    t = findTemplate(from);
    if (!t) {
      throw new MeshroomError("E_NOT_FOUND", `no product template named ${JSON.stringify(from)}`, {
        detail: `templates: ${TEMPLATES.map((x) => x.name).join(", ")} (see \`meshroom list templates\`)`,
      });
    }
  }
  const def = paths.definition(root, name);
  const hooks = join(dir, lang === "py" ? "hooks.py" : "hooks.ts");
  return allOrNothing(root, [dir], async () => {
    writeFileAtomic(prepareProjectWrite(root, def), renderDefinition(name, t));
    writeFileAtomic(prepareProjectWrite(root, hooks), lang === "py" ? renderStarterPythonHooks(name, t) : renderStarterHooks(name, t));
    await assertProjectStillLoads(root, `create product ${name}`);
    return { product: name, files: [def, hooks] };
  });
}

export interface CapabilityRequest {
  product: string;
  topic: string;
  role: Role;
  mode: Mode;
  format?: string;
}

/** Adds a capability; E_EXISTS when the same one is already declared. */
export async function createCapability(root: string, req: CapabilityRequest): Promise<void> {
  const project = await loadProject(root);
  assertFileNameSafe("topic", req.topic);
  if (req.format !== undefined) assertFileNameSafe("format", req.format);
  if (!project.products.has(req.product)) throw noProduct(req.product);
  await allOrNothing(root, [paths.definition(root, req.product)], async () => {
    if (!addCapability(root, req.product, req.role, req.topic, req.mode, req.format)) {
      throw new MeshroomError("E_EXISTS", `${req.product} already ${roleVerb(req.role)} ${req.topic} (${req.mode}${req.format ? `, ${req.format}` : ""})`);
    }
    await assertProjectStillLoads(root, `create capability ${req.product} ${req.topic} ${req.role}`);
  });
}

export interface CreateIntegrationResult {
  file: string;
  addedCapabilities: string[];
}

/** Writes the integration file and makes sure both products declare the matching capabilities. */
export async function createIntegration(root: string, req: CapabilityRequest & { target: string }): Promise<CreateIntegrationResult> {
  const project = await loadProject(root);
  assertName("product", req.target);
  assertFileNameSafe("topic", req.topic);
  if (req.format !== undefined) assertFileNameSafe("format", req.format);
  if (!project.products.has(req.product)) throw noProduct(req.product);
  if (!project.products.has(req.target)) throw noProduct(req.target);
  const key: IntegrationKey = { topic: req.topic, role: req.role, mode: req.mode, ...(req.format ? { format: req.format } : {}) };
  const file = paths.integrationFile(root, req.product, req.target, key);
  if (existsSync(file)) throw new MeshroomError("E_EXISTS", `integration ${file} already exists`);
  return allOrNothing(root, integrationWrites(root, req), async () => {
    const added: string[] = [];
    if (addCapability(root, req.product, req.role, req.topic, req.mode, req.format)) added.push(`${req.product} ${req.role} ${req.topic}`);
    const other = complementaryRole(req.role);
    if (addCapability(root, req.target, other, req.topic, req.mode, req.format)) added.push(`${req.target} ${other} ${req.topic}`);
    writeIntegrationFile(root, req.product, req.target, key);
    await assertProjectStillLoads(root, `create integration ${req.product} ${req.target} ${req.topic} ${req.role}`);
    return { file, addedCapabilities: added };
  });
}

/** What `create integration` (with the scaffold hooks it runs) may change: both definitions and the integration's folder. */
export function integrationWrites(root: string, req: { product: string; target: string }): string[] {
  return [paths.definition(root, req.product), paths.definition(root, req.target), paths.integrationDir(root, req.product, req.target)];
}

/** `create integration --lang py`: a starter `<stem>.py` next to the integration's YAML (kept when one exists). */
export function writeIntegrationPythonStarter(root: string, req: CapabilityRequest & { target: string }, yamlFile: string): string | undefined {
  const file = yamlFile.replace(/\.ya?ml$/, ".py");
  if (existsSync(file)) return undefined;
  writeFileAtomic(prepareProjectWrite(root, file), renderStarterIntegrationPython(req.product, req.target, req.topic, req.role));
  return file;
}

function roleVerb(role: Role): string {
  return { producer: "produces", consumer: "consumes", trigger: "triggers", executor: "executes" }[role];
}

function noProduct(name: string): MeshroomError {
  return new MeshroomError("E_NOT_FOUND", `product ${name} not found`, { detail: `create it with \`meshroom create product ${name}\` (see \`meshroom list products\`)` });
}
