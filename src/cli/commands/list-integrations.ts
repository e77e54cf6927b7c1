import type { Command } from "commander";
import type { CliContext } from "../context.js";

/** `list integrations` needs the capability graph and the hook descriptors (wired with the hooks). */
export function registerListIntegrations(list: Command, ctx: CliContext): void {
  void list;
  void ctx;
}
