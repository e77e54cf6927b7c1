import type { PlugSpec } from "../model/index.js";
import type { DesiredPlug } from "./document.js";
import { instanceResourceId } from "./ids.js";

/**
 * The `meshroom_plug` record of the desired document for a resolved plug: one shape whether the
 * mesh comes from YAML (project-document.ts) or from the constructs (constructs/plug.ts).
 */
export function desiredPlugRecord(p: PlugSpec, settings: DesiredPlug["settings"], secretRefs: Iterable<string>): DesiredPlug {
  return {
    src: p.src,
    dst: p.dst,
    topic: p.topic,
    mode: p.mode,
    format: p.format ?? null,
    kind: p.kind,
    owner: p.owner,
    src_integration: p.srcIntegration ?? null,
    dst_integration: p.dstIntegration ?? null,
    settings,
    secret_refs: [...new Set(secretRefs)].sort(),
    depends_on: [`meshroom_instance.${instanceResourceId(p.src)}`, `meshroom_instance.${instanceResourceId(p.dst)}`],
  };
}
