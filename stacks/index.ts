// stacks: cdktf app entry points. `project.ts` synthesizes the YAML project of a directory
// (what `cdktf.json`'s app runs); `loadMeshProject` loads a project for a code mesh's
// MeshStack; `yamlMeshStack` turns a loaded YAML project into constructs.
export { loadMeshProject, loadCatalogProject, type LoadedMeshProject } from "./load-project.js";
export { yamlMeshStack, YAML_STACK } from "./yaml-mesh.js";
export { synthYamlProject } from "./project.js";
