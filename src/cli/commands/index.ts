import type { Command } from "commander";
import type { CliContext } from "../context.js";

type Registrar = { register(program: Command, ctx: CliContext): void };

/**
 * Command modules in help order, with the top-level commands each one registers. Only the
 * modules of the command being run are imported, so `meshroom list …` never loads the engine,
 * openpgp or graphviz (CLI cold start). `meshroom --help` loads them all.
 */
export const COMMAND_MODULES: ReadonlyArray<{ commands: readonly string[]; load: () => Promise<Registrar> }> = [
  { commands: ["init", "validate"], load: () => import("./project.js") },
  { commands: ["list"], load: () => import("./list.js") },
  { commands: ["create"], load: () => import("./create.js") },
  { commands: ["add", "configure", "remove"], load: () => import("./instances.js") },
  { commands: ["plug", "unplug"], load: () => import("./plugs.js") },
  { commands: ["produce", "watch", "trigger", "execute"], load: () => import("./live-hook-command.js") },
  { commands: ["pull", "publish"], load: () => import("./pull-publish-command.js") },
  { commands: ["import-products"], load: () => import("./import-products.js") },
  { commands: ["trust"], load: () => import("./trust.js") },
  { commands: ["secrets"], load: () => import("./secrets.js") },
  { commands: ["plan"], load: () => import("./plan-command.js") },
  { commands: ["apply", "destroy", "up", "down", "refresh"], load: () => import("./apply-command.js") },
  { commands: ["show"], load: () => import("./show.js") },
  { commands: ["state", "force-unlock"], load: () => import("./state.js") },
  // adds `state push` / `state migrate` to the `state` command registered just above
  { commands: ["state"], load: () => import("./state-transfer.js") },
  { commands: ["workspace"], load: () => import("./workspace.js") },
  { commands: ["intake"], load: () => import("./intake.js") },
  { commands: ["synth", "get"], load: () => import("./synth.js") },
  { commands: ["graph"], load: () => import("./graph.js") },
];

/** Global options that take a value (so their value is not mistaken for the command name). */
const VALUED_GLOBALS = new Set(["-p", "--path"]);

/** The command named in argv: the first word that is not an option or an option's value. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return argv[i + 1];
    if (VALUED_GLOBALS.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** Registers the modules argv needs: the named command's, all of them for help or an unknown name, none for `--version`. */
export async function registerCommands(program: Command, ctx: CliContext, argv: readonly string[]): Promise<void> {
  const name = commandNameOf(argv);
  let modules = name === undefined ? [] : COMMAND_MODULES.filter((m) => m.commands.includes(name));
  const wantsHelp = argv.length === 0 || argv.includes("--help") || argv.includes("-h") || name === "help";
  if (modules.length === 0 && (wantsHelp || name !== undefined)) modules = [...COMMAND_MODULES];
  for (const m of modules) (await m.load()).register(program, ctx);
}
