import type { Construct } from "constructs";
import { Instance, MeshStack, Plug, type PlugResolutionProps } from "../constructs/index.js";
import type { LoadedMeshProject } from "./load-project.js";

/** The stack name meshroom gives a YAML project's mesh (`cdktf.out/stacks/mesh/cdk.tf.json`). */
export const YAML_STACK = "mesh";

/**
 * A YAML project's mesh as constructs: one `Instance` per `instances/<p>/<i>/config.yaml`, one
 * `Plug` per plug file, taking the resolution `meshroom plug` recorded in it as is.
 */
export function yamlMeshStack(scope: Construct, project: LoadedMeshProject, id = YAML_STACK): MeshStack {
  const stack = new MeshStack(scope, id, { project });
  const p = project.project;
  const byName = new Map<string, Instance>();
  for (const name of [...p.instances.keys()].sort()) {
    const i = p.instances.get(name)!;
    byName.set(name, new Instance(stack, name, { product: i.product, settings: i.settings }));
  }
  for (const plug of p.plugs) {
    const src = byName.get(plug.src);
    const dst = byName.get(plug.dst);
    if (!src || !dst) continue; // the loader reports plugs of unknown instances
    const resolved: PlugResolutionProps = {
      mode: plug.mode, kind: plug.kind, owner: plug.owner,
      ...(plug.format !== undefined ? { format: plug.format } : {}),
      ...(plug.srcIntegration ? { srcIntegration: plug.srcIntegration } : {}),
      ...(plug.dstIntegration ? { dstIntegration: plug.dstIntegration } : {}),
    };
    new Plug(stack, `${plug.src}~${plug.dst}~${plug.topic}~${plug.mode}`, {
      topic: plug.topic, src, dst, resolved, settings: { src: plug.settings.src, dst: plug.settings.dst },
    });
  }
  return stack;
}
