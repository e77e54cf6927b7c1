// synth: the desired document (the `cdk.tf.json` shape of a mesh) — building it from a loaded
// project (pure), its zod schema and parser, reversible Terraform-safe resource ids, and reading
// it into engine resources (`instance.<name>`, `plug.<src>.<dst>.<topic>.<mode>`). The engine
// plans from this document only. No secret values: secrets are referenced by name.
// It is also where resource inputs become typed records (model/resource-inputs.ts), once per edge:
// `desiredResources` for the document, `instanceRecord` / `plugRecord` for inputs read from state,
// `instanceInputs` / `plugInputs` for the project's own (what live hooks act on).
// May import: capabilities, project, model, util, errors.
export { DesiredDocumentSchema, DesiredInstanceSchema, DesiredPlugSchema, InstanceInputsSchema, PlugInputsSchema, parseDesiredDocument } from "./document.js";
export type { DesiredDocument, DesiredInstance, DesiredPlug } from "./document.js";
export { escapeName, unescapeName, instanceResourceId, plugResourceId, parsePlugResourceId } from "./ids.js";
export { instanceInputs, plugInputs, projectToDocument } from "./project-document.js";
export type { SynthOptions } from "./project-document.js";
export { desiredResources, instanceRecord, plugRecord, resourceRecord } from "./read.js";
export type { DesiredResource, DesiredJson } from "./read.js";
