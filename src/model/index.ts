// model: zod schemas, types and addresses of a meshroom project (products, integrations,
// instances, plugs). Pure: no I/O.
export * from "./names.js";
export * from "./capability.js";
export * from "./settings.js";
export * from "./product.js";
export * from "./integration.js";
export * from "./instance.js";
export * from "./plug.js";
export * from "./address.js";
export * from "./hook.js";
