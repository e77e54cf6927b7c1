// engine/author: project editing — the commands that write the project's files, never the state
// and never a real product: `init` (init-project.ts), `add`/`configure`/`remove`
// (instance-operations.ts), `plug`/`unplug` (plug-operations.ts), `create product|capability|
// integration` (create-operations.ts) with the product's scaffold hooks (scaffold-hooks.ts), and
// `import-products` (import-products-operation.ts). Each loads the project once and works on it.
// May import: mesh, capabilities, hooks, project, model, exec, util, errors. Not deploy/ or live/.
export {};
