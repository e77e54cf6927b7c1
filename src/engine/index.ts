// engine: the operations behind the CLI's commands, wiring the layers below. Three wings, each
// in its own folder, that never import each other:
// - deploy/: plan, apply, destroy, refresh, up/down, `state …`, synth and get — the desired
//   document against the state (plan/, apply/, state/);
// - author/: project editing — init, add, configure, remove, plug/unplug, create, import-products;
// - live/: hooks run on request against a deployed mesh — produce, watch, trigger, execute, pull, publish.
// What two wings share (the mesh loaded with its trusted hooks, the secrets port) lives below, in src/mesh.
// May import: every layer below (mesh, plan, apply, capabilities, hooks, synth, project, secrets,
// state, model, graph, exec, util, errors) and the constructs library (constructs/, stacks/).
// Never imported but by cli (and bench/). No printing, no exiting: results and errors go back to the CLI.
export {};
