import { assertFileNameLength, plugFileStem, type PlugSettings, type PlugSpec } from "../model/index.js";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { plainYaml } from "../util/plain-yaml.js";
import { prepareProjectWrite } from "../util/confined-path.js";
import { paths } from "./paths.js";

/** What `writePlugFile` needs: the plug, its settings, and the product of its source (for the path). */
export interface PlugFileData extends PlugSpec {
  product: string;
  settings: PlugSettings;
}

/**
 * Writes a plug file (a new file, or one `meshroom plug` rewrites whole). It does not load the
 * `yaml` package (see plainYaml): `plug` on a big catalog is one of the commands kept fast.
 */
export function writePlugFile(root: string, p: PlugFileData): string {
  assertFileNameLength(`${plugFileStem(p.topic, p.mode)}.yaml`, `the plug ${p.src} -> ${p.dst}`);
  const file = prepareProjectWrite(root, paths.plugFile(root, p.product, p.src, p.dst, p.topic, p.mode));
  const body: Record<string, unknown> = { topic: p.topic, mode: p.mode };
  if (p.format !== undefined) body.format = p.format;
  body.kind = p.kind;
  body.owner = p.owner;
  if (p.srcIntegration) body.src_integration = p.srcIntegration;
  if (p.dstIntegration) body.dst_integration = p.dstIntegration;
  if (Object.keys(p.settings.src).length || Object.keys(p.settings.dst).length) body.settings = p.settings;
  writeFileAtomicSync(file, `# Plug ${p.src} -[${p.topic}]-> ${p.dst} (${p.mode}). Written by \`meshroom plug\`.\n\n${plainYaml(body)}`);
  return file;
}
