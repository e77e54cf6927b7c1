import { existsSync, readFileSync } from "node:fs";
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from "yaml";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomicSync as writeFileAtomic } from "../util/atomic-write.js";
import {
  type IntegrationKey, type Mode, type Role,
  ROLE_KEYS, assertFileNameLength, assertName, integrationStem,
} from "../model/index.js";
import { assertInProject, prepareProjectWrite } from "../util/confined-path.js";
import { paths } from "./paths.js";

/**
 * Edits a YAML file in place through the Document API so comments and key order survive.
 * When `edit` returns false nothing is written (a no-op must not reformat the user's file).
 */
export function editYamlFile(file: string, edit: (doc: Document) => void | boolean): void {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length) throw new MeshroomError("E_BAD_MANIFEST", `${file}: cannot edit a file with YAML errors (${doc.errors[0]!.message.split("\n")[0]})`);
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (edit(doc) === false) return;
  writeFileAtomic(file, doc.toString());
}

/** Adds one capability to definition.yaml; false when an identical one is already there. */
export function addCapability(root: string, product: string, role: Role, topic: string, mode: Mode, format?: string): boolean {
  assertName("topic", topic);
  if (format !== undefined) assertName("format", format);
  const file = assertInProject(root, paths.definition(root, product), "edit");
  if (!existsSync(file)) throw new MeshroomError("E_NOT_FOUND", `product ${product} not found`, { detail: `create it with \`meshroom create product ${product}\`` });
  let added = false;
  editYamlFile(file, (doc) => {
    const key = ROLE_KEYS[role];
    let roleMap = doc.get(key);
    if (!isMap(roleMap)) {
      roleMap = new YAMLMap();
      doc.set(key, roleMap);
    }
    const map = roleMap as YAMLMap;
    let seq = map.get(topic);
    // `topic:` with no list means one push capability of any format (see normalizeProduct)
    const implicit = !isSeq(seq) && map.has(topic) && seq == null;
    const items = isSeq(seq) ? seq.items : implicit ? [new YAMLMap()] : [];
    const same = items.some((it) => {
      const js = (isMap(it) ? it.toJSON() : {}) as { mode?: string; format?: string };
      return (js.mode ?? "push") === mode && (js.format ?? undefined) === format;
    });
    if (same) return false;
    if (!isSeq(seq)) {
      const fresh = new YAMLSeq();
      fresh.flow = true;
      seq = fresh;
      if (implicit) (seq as YAMLSeq).add(doc.createNode({}));
      map.set(topic, seq);
    }
    const spec: Record<string, string> = {};
    if (mode !== "push") spec.mode = mode;
    if (format !== undefined) spec.format = format;
    const node = doc.createNode(spec) as YAMLMap;
    node.flow = true;
    (seq as YAMLSeq).add(node);
    added = true;
  });
  return added;
}

/** Writes a new explicit integration file; refuses to overwrite one. */
export function writeIntegrationFile(root: string, product: string, target: string, key: IntegrationKey): string {
  assertName("product", target);
  assertFileNameLength(`${integrationStem(key)}.yaml`, `the integration ${product} -> ${target}`);
  const file = prepareProjectWrite(root, paths.integrationFile(root, product, target, key));
  if (existsSync(file)) return file;
  const lines = [
    `# Integration: how ${product} sets up its ${key.role} side of \`${key.topic}\` towards ${target}.`,
    `# Hooks for it go in ${integrationStem(key)}.ts next to this file (see \`meshroom/hooks\`).`,
    `topic: ${key.topic}`,
    `role: ${key.role}`,
    `mode: ${key.mode}`,
    ...(key.format ? [`format: ${key.format}`] : []),
    `description: ""`,
    `# Settings of this end of a plug, asked by \`meshroom plug\` (written as in definition.yaml), e.g.`,
    `#   - { name: index, required: true, description: "where to write the events" }`,
    `#   - { name: intake_key, secret: true }`,
    `settings: []`,
    "",
  ];
  writeFileAtomic(file, lines.join("\n"));
  return file;
}

/** Creates or updates an instance's config.yaml, keeping the user's comments. */
export function writeInstanceConfig(root: string, product: string, name: string, settings: Record<string, unknown>, unset: string[] = []): string {
  assertName("instance", name);
  const file = prepareProjectWrite(root, paths.instanceConfig(root, product, name));
  if (!existsSync(file)) {
    const doc = parseDocument(`# Instance ${name} of product ${product}. Secret settings live in secrets.gpg, not here.\n`);
    doc.contents = doc.createNode({ settings }) as unknown as typeof doc.contents;
    writeFileAtomic(file, doc.toString());
    return file;
  }
  editYamlFile(file, (doc) => {
    if (!isMap(doc.get("settings"))) doc.set("settings", new YAMLMap());
    for (const [k, v] of Object.entries(settings)) doc.setIn(["settings", k], v);
    for (const k of unset) doc.deleteIn(["settings", k]);
  });
  return file;
}
