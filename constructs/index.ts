// constructs: a meshroom mesh as CDKTF constructs — MeshStack (one mesh; its cdk.tf.json is
// the engine's desired document), Product and Integration (the capability graph, rendering
// nothing), Instance and Plug (`meshroom_instance` / `meshroom_plug` resources; plugs resolved
// at synth time with `meshroom plug`'s rules), Secret references, and a Testing helper.
// Imports src/model, src/capabilities and the pure parts of src/synth only; loading a
// project from disk is `stacks/`' job.
export { MeshStack, type MeshStackProps } from "./mesh-stack.js";
export { type MeshProject, productResourceType } from "./mesh-project.js";
export { Product } from "./product.js";
export { Integration } from "./integration.js";
export { Instance, type InstanceProps } from "./instance.js";
export { Plug, type PlugProps, type PlugResolutionProps, type InstanceRef } from "./plug.js";
export { Secret } from "./secret.js";
export { Testing } from "./testing.js";
export { renderMeshDocument } from "./render.js";
