// cli: the only code that reads argv, prints or exits. main.ts builds the commander program;
// commands/*-command.ts and commands/*.ts register one command group each (argv → options → an
// engine operation → a view); views/ render plans, progress and tables (human or JSON); prompt.ts,
// stdin.ts and settings-input.ts ask the user; output-guard.ts keeps hook output off stdout.
// Errors meet one catch site (main.ts): `MeshroomError` → message, detail and exit code.
// May import: every layer (engine wings, mesh, plan, apply, graphview, intake, secrets, state, …).
// Nothing imports it but bin/meshroom.js.
export {};
