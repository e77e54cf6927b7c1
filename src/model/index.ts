// model: types, names and addresses of a meshroom project (products, integrations, instances,
// plugs). Pure: no I/O. The zod schemas of its manifests are in ./schemas.js, on purpose not
// re-exported here: loading zod is left to the code that parses a manifest. resource-inputs.ts
// holds the typed resource records (a resource's inputs by type) that the desired document, state
// and hooks share; their schemas live with the desired document's (synth/document.ts).
// May import: util, errors.
export * from "./names.js";
export * from "./capability.js";
export * from "./settings.js";
export * from "./product.js";
export * from "./integration.js";
export * from "./instance.js";
export * from "./plug.js";
export * from "./address.js";
export * from "./hook.js";
export * from "./hook-kinds.js";
export * from "./setting-rules.js";
export * from "./resource-inputs.js";
