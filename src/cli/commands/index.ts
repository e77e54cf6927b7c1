import type { Command } from "commander";
import type { CliContext } from "../context.js";

/** Each command file exports `register(program, ctx)`; this list wires them in help order. */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
