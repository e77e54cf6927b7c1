// mesh: a project loaded for running hooks — `loadMesh` (load-mesh.ts) reads the project, loads
// the hook files of trusted products only (trust.ts: meshroom.lock, `meshroom trust`, the
// E_UNTRUSTED refusal) and builds the capability graph. Shared by the engine's three wings and by
// stacks/ (plugs resolve in code as `meshroom plug` resolves them). secrets-port.ts is what the
// engine needs of the secrets store.
// May import: capabilities, hooks, project, model, util, errors. Never the engine or the CLI.
export {};
