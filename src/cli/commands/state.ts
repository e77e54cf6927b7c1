import type { Command } from "commander";
import { forceUnlock, stateList, statePull, stateRm, stateShow } from "../../engine/deploy/state-operations.js";
import { openProjectStateStore } from "../../state/open-backend.js";
import { projectBackendSettings } from "./workspace.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";
import { parseLockTimeout } from "./plan-command.js";

/** The state store of the project's configured backend (any registered kind, state/backends.ts) and workspace. */
function store(ctx: CliContext) {
  const root = projectRoot(ctx);
  return openProjectStateStore(root, projectBackendSettings(root), ctx.io.env);
}

export function register(program: Command, ctx: CliContext): void {
  const state = program.command("state").description("inspect or edit the state (list, show, pull, rm)");
  state
    .command("list")
    .description("addresses in state, with their status")
    .option("--json", "print as JSON")
    .action(async (flags: { json?: boolean }) => {
      const list = await stateList(await store(ctx));
      if (flags.json) return ctx.out(JSON.stringify(list, null, 2));
      for (const r of list) ctx.out(`${r.address}${r.status === "ready" ? "" : `  (${r.status}${r.pending ? `, interrupted during '${r.pending}'` : ""})`}`);
    });
  state
    .command("show")
    .description("one resource as recorded in state")
    .argument("<address>")
    .action(async (address: string) => {
      ctx.out(JSON.stringify(await stateShow(await store(ctx), address), null, 2));
    });
  state
    .command("pull")
    .description("print the state document")
    .action(async () => {
      ctx.io.stdout.write(await statePull(await store(ctx)));
    });
  state
    .command("rm")
    .description("forget resources without tearing them down")
    .argument("<address...>")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)")
    .action(async (addresses: string[], flags: { lockTimeout?: string }) => {
      const t = parseLockTimeout(flags.lockTimeout);
      const removed = await stateRm(await store(ctx), addresses, t !== undefined ? { lockTimeoutMs: t } : {});
      for (const a of removed) ctx.out(`Removed ${a} from state (nothing was torn down).`);
    });
  program
    .command("force-unlock")
    .description("remove the state lock with this ID (only when no meshroom is using it)")
    .argument("<id>")
    .action(async (id: string) => {
      const info = await forceUnlock(await store(ctx), id);
      ctx.out(`Removed the state lock ${id}${info ? ` held by ${info.who} (operation "${info.operation}")` : ""}.`);
    });
}
