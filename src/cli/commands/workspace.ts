// `meshroom workspace list|show|new|select|delete`: several states for one project (e.g. staging
// and prod), in whichever backend meshroom.yaml configures. The selection lives in
// .meshroom/workspace; MESHROOM_WORKSPACE overrides it.
import type { Command } from "commander";
import { MeshroomError, throwIfDiagnostics } from "../../errors/index.js";
import type { ProjectSettings } from "../../project/project-file.js";
import { requireProjectSettings } from "../../project/project-settings.js";
import { DEFAULT_WORKSPACE, emptyStateFile, type StateBackend } from "../../state/index.js";
import { currentWorkspace, openStateBackend, selectWorkspace, WORKSPACE_ENV } from "../../state/open-backend.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";
import { parseLockTimeout } from "./plan-command.js";

/** meshroom.yaml's `backend:` (undefined: the local file). */
export function projectBackendSettings(root: string): ProjectSettings["backend"] {
  return requireProjectSettings(root).backend;
}

/** The project's backend, closed (pg connections ended) once `fn` settles. */
export async function withProjectBackend<T>(ctx: CliContext, fn: (backend: StateBackend, root: string) => Promise<T>): Promise<T> {
  const root = projectRoot(ctx);
  const backend = await openStateBackend(root, projectBackendSettings(root), ctx.io.env);
  try {
    return await fn(backend, root);
  } finally {
    await closeBackend(backend);
  }
}

export async function closeBackend(backend: StateBackend): Promise<void> {
  const closable = backend as StateBackend & { close?: () => Promise<void> };
  if (closable.close) await closable.close().catch(() => undefined);
}

export function register(program: Command, ctx: CliContext): void {
  const ws = program
    .command("workspace")
    .description("manage workspaces: separate states of this project (default: `default`)")
    .addHelpText("after", `\nThe selected workspace is stored in .meshroom/workspace; ${WORKSPACE_ENV} overrides it.`);

  ws.command("list")
    .alias("ls")
    .description("workspaces with a state; * marks the selected one")
    .action(() =>
      withProjectBackend(ctx, async (backend, root) => {
        const current = currentWorkspace(root, ctx.io.env);
        const names = await backend.listWorkspaces();
        if (!names.includes(current)) names.push(current);
        for (const n of names) ctx.out(`${n === current ? "*" : " "} ${n}`);
      }),
    );

  ws.command("show")
    .description("print the selected workspace")
    .action(() => {
      ctx.out(currentWorkspace(projectRoot(ctx), ctx.io.env));
    });

  ws.command("new")
    .description("create a workspace with an empty state and select it")
    .argument("<name>")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)")
    .action((name: string, flags: { lockTimeout?: string }) =>
      withProjectBackend(ctx, async (backend, root) => {
        const store = backend.store(name);
        const t = parseLockTimeout(flags.lockTimeout);
        const lock = await store.lock({ operation: "workspace new" }, t ? { timeoutMs: t } : {});
        try {
          if ((await backend.listWorkspaces()).includes(name) && (name === DEFAULT_WORKSPACE || (await store.read()))) {
            throw new MeshroomError("E_EXISTS", `Workspace ${JSON.stringify(name)} already exists.`, {
              detail: `Select it with \`meshroom workspace select ${name}\`.`,
            });
          }
          await store.write(emptyStateFile());
        } finally {
          await lock.release();
        }
        await selectWorkspace(root, name);
        ctx.out(`Created and selected workspace "${name}" (${backend.type} backend). Plans and applies now use its state.`);
      }),
    );

  ws.command("select")
    .description("use this workspace's state from now on")
    .argument("<name>")
    .action((name: string) =>
      withProjectBackend(ctx, async (backend, root) => {
        const names = await backend.listWorkspaces();
        if (!names.includes(name)) {
          throw new MeshroomError("E_NOT_FOUND", `Workspace ${JSON.stringify(name)} does not exist.`, {
            detail: `Known workspaces: ${names.join(", ")}. Create it with \`meshroom workspace new ${name}\`.`,
          });
        }
        await selectWorkspace(root, name);
        ctx.out(`Selected workspace "${name}".`);
        if (ctx.io.env[WORKSPACE_ENV] && ctx.io.env[WORKSPACE_ENV] !== name) {
          ctx.err(`Note: ${WORKSPACE_ENV}=${ctx.io.env[WORKSPACE_ENV]} is set and overrides the selection.`);
        }
      }),
    );

  ws.command("delete")
    .description("delete a workspace and its state (refused while it tracks resources, unless --force)")
    .argument("<name>")
    .option("--force", "delete even if its state still tracks resources (they are NOT torn down)")
    .action((name: string, flags: { force?: boolean }) =>
      withProjectBackend(ctx, async (backend, root) => {
        if (name === currentWorkspace(root, ctx.io.env)) {
          throw new MeshroomError("E_USAGE", `Workspace "${name}" is selected: select another one before deleting it.`, {
            detail: "e.g. `meshroom workspace select default`",
          });
        }
        const state = await backend.store(name).read();
        if (state && state.resources.length > 0 && !flags.force) {
          throw new MeshroomError("E_STATE", `Workspace "${name}" still tracks ${state.resources.length} resource(s).`, {
            detail: `Run \`meshroom destroy\` in it first (meshroom workspace select ${name}), or pass --force to forget them without teardown.`,
          });
        }
        await backend.deleteWorkspace(name);
        ctx.out(`Deleted workspace "${name}".`);
      }),
    );
}
