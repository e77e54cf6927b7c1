// engine/deploy: the plan/apply/state operations. A `EngineSetup` (engine-setup.ts) is what every
// operation needs — the desired document, the state store, how to run a resource's hooks;
// `loadProjectSetup` (project-setup.ts) builds one for a project (its YAML mesh, or its code mesh's
// cdktf app: desired-source.ts), or around a saved plan's document. plan-operation.ts locks the
// state and plans; apply-operation.ts (apply, destroy, refresh, and a saved plan as-is) and
// up-down-operation.ts walk the plan through src/apply and save state through src/state's
// persister; state-operations.ts backs `state list|show|pull|rm|force-unlock`;
// synth-project.ts and generate-bindings.ts back `synth` and `get`.
// May import: mesh, plan, apply, hooks, synth, state, project, model, exec, util, errors, and the
// constructs library (constructs/, stacks/). Not author/ or live/.
export {};
