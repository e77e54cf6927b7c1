// engine/live: hooks run on request against a deployed mesh, outside plan/apply: `produce`,
// `watch`, `trigger`, `execute` (live-hook-operation.ts) and the vendor catalog's `pull` and
// `publish` (pull-publish-operation.ts). hook-input.ts builds a hook's input (an instance, a plug,
// an integration, with secret access); project-handle.ts is the handle a catalog hook edits the
// project through.
// May import: mesh, capabilities, hooks, project, model, util, errors. Not deploy/ or author/.
export {};
