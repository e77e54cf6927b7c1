import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { register as registerProject } from "./project.js";
import { register as registerList } from "./list.js";
import { register as registerCreate } from "./create.js";
import { register as registerInstances } from "./instances.js";
import { register as registerPlugs } from "./plugs.js";
import { register as registerRuntime } from "./runtime.js";
import { register as registerCatalog } from "./catalog.js";
import { register as registerImportProducts } from "./import-products.js";
import { register as registerSecrets } from "./secrets.js";
import { register as registerPlan } from "./plan.js";
import { register as registerApply } from "./apply.js";
import { register as registerState } from "./state.js";
import { register as registerStateTransfer } from "./state-transfer.js";
import { register as registerWorkspace } from "./workspace.js";
import { register as registerIntake } from "./intake.js";
import { register as registerSynth } from "./synth.js";
import { register as registerGraph } from "./graph.js";

/** Each command file exports `register(program, ctx)`; this list wires them in help order. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerProject(program, ctx);
  registerList(program, ctx);
  registerCreate(program, ctx);
  registerInstances(program, ctx);
  registerPlugs(program, ctx);
  registerRuntime(program, ctx);
  registerCatalog(program, ctx);
  registerImportProducts(program, ctx);
  registerSecrets(program, ctx);
  registerPlan(program, ctx);
  registerApply(program, ctx);
  registerState(program, ctx);
  registerStateTransfer(program, ctx);
  registerWorkspace(program, ctx);
  registerIntake(program, ctx);
  registerSynth(program, ctx);
  registerGraph(program, ctx);
}
