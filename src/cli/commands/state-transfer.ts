// `meshroom state push FILE` and `meshroom state migrate --to TYPE`: move a state between a
// file, the local backend and another registered backend (state/backends.ts), refusing to
// replace a newer or unrelated state.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { MeshroomError } from "../../errors/index.js";
import { parseStateText, type StateBackend } from "../../state/index.js";
import { orList, stateBackendKind, stateBackendKinds, stateBackendTypes } from "../../state/backends.js";
import { LOCAL_BACKEND_TYPE } from "../../state/local-kind.js";
import { currentWorkspace, openStateBackend } from "../../state/open-backend.js";
import { migrateState, pushState } from "../../state/transfer.js";
import { recordBackendType } from "../../state/backend-switch.js";
import type { CliContext } from "../context.js";
import { projectRoot } from "../project-root.js";
import { parseLockTimeout } from "./plan-command.js";
import { closeBackend, projectBackendSettings, withProjectBackend } from "./workspace.js";

/** Adds `push` and `migrate` to the `state` command (registered after `state.ts`, or creates it). */
export function register(program: Command, ctx: CliContext): void {
  const state = program.commands.find((c) => c.name() === "state") ?? program.command("state").description("inspect or edit the state");

  state
    .command("push")
    .description("store a state file (e.g. meshroom.state.errored.json) in the configured backend's selected workspace")
    .argument("<file>")
    .option("--force", "replace the stored state even if it is newer or of another lineage (it is lost)")
    .option("--lock-timeout <DURATION>", "wait this long for the state lock (e.g. 30s)")
    .action(async (file: string, flags: { force?: boolean; lockTimeout?: string }) => {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        throw new MeshroomError("E_NOT_FOUND", `Cannot read ${file}: ${(e as Error).message}`);
      }
      const doc = parseStateText(text, file);
      await withProjectBackend(ctx, async (backend, root) => {
        const store = backend.store(currentWorkspace(root, ctx.io.env));
        const t = parseLockTimeout(flags.lockTimeout);
        const lock = await store.lock({ operation: "state push" }, t ? { timeoutMs: t } : {});
        try {
          const out = await pushState(store, doc, { force: flags.force === true });
          ctx.out(out.written ? `Pushed ${file} to ${store.location} (serial ${out.state.serial}).` : `${store.location} already holds this state (serial ${out.state.serial}): nothing to push.`);
        } finally {
          await lock.release();
        }
      });
    });

  const others = stateBackendKinds().filter((k) => k.type !== LOCAL_BACKEND_TYPE);
  state
    .command("migrate")
    .description(
      `copy every workspace's state from the local files to ${others.map((k) => `${k.describe} (--to ${k.type})`).join(", ")} or back (--to ${LOCAL_BACKEND_TYPE})`,
    )
    .requiredOption("--to <backend>", orList(choices()))
    .option("--from <backend>", `where to copy from (default: ${LOCAL_BACKEND_TYPE}, or with --to ${LOCAL_BACKEND_TYPE} the backend meshroom.yaml configures)`)
    .option("--force", "replace states at the destination even if newer or of another lineage")
    .option("--no-copy", "copy nothing: from now on use --to's state as it is (e.g. empty), leaving the previous backend's state where it is")
    .option("--lock-timeout <DURATION>", "wait this long for each state lock (e.g. 30s)")
    .action(async (flags: { to: string; from?: string; force?: boolean; copy: boolean; lockTimeout?: string }) => {
      const types = stateBackendTypes();
      if (!types.includes(flags.to)) throw new MeshroomError("E_USAGE", `--to expects ${orList(choices())}, got ${JSON.stringify(flags.to)}`);
      const root = projectRoot(ctx);
      const settings = projectBackendSettings(root);
      if (!flags.copy) {
        if (flags.from || flags.force) throw new MeshroomError("E_USAGE", "--no-copy copies nothing: it takes no --from or --force");
        await recordBackendType(root, flags.to);
        ctx.out(`Copied nothing: this project's state is now the one in the ${flags.to} backend; the previous backend's state was left where it is.`);
        if ((settings?.type ?? LOCAL_BACKEND_TYPE) !== flags.to) ctx.out(stateBackendKind(flags.to).useHint);
        return;
      }
      const fromType = flags.from ?? defaultSource(flags.to, settings?.type ?? LOCAL_BACKEND_TYPE, types);
      if (!types.includes(fromType)) throw new MeshroomError("E_USAGE", `--from expects ${orList(choices())}, got ${JSON.stringify(fromType)}`);
      if (fromType === flags.to) throw new MeshroomError("E_USAGE", `--from and --to are both ${flags.to}: nothing to migrate`);
      const open = (type: string): Promise<StateBackend> => openStateBackend(root, { ...settings, type }, ctx.io.env);
      const from = await open(fromType);
      try {
        const to = await open(flags.to);
        try {
          const t = parseLockTimeout(flags.lockTimeout);
          const done = await migrateState(from, to, { force: flags.force === true, ...(t ? { lockTimeoutMs: t } : {}) });
          for (const w of done) {
            ctx.out(w.serial === undefined ? `  ${w.workspace}: no state to copy` : `  ${w.workspace}: ${w.written ? "copied" : "already up to date"} (serial ${w.serial})`);
          }
          await recordBackendType(root, to.type); // the state lives there now (backend-switch.ts)
          ctx.out(`Migrated ${done.filter((w) => w.serial !== undefined).length} workspace state(s) from ${from.type} to ${to.type}.`);
          if ((settings?.type ?? LOCAL_BACKEND_TYPE) !== flags.to) ctx.out(stateBackendKind(flags.to).useHint);
        } finally {
          await closeBackend(to);
        }
      } finally {
        await closeBackend(from);
      }
    });
}

/** The backend types, the local files last ("pg or local"). */
function choices(): string[] {
  return [...stateBackendTypes().filter((t) => t !== LOCAL_BACKEND_TYPE), LOCAL_BACKEND_TYPE];
}

/**
 * Where `state migrate --to TO` copies from: the local files, or (to the local files) the
 * configured backend, or the only other registered one.
 */
function defaultSource(to: string, configured: string, types: string[]): string {
  if (to !== LOCAL_BACKEND_TYPE) return LOCAL_BACKEND_TYPE;
  if (configured !== LOCAL_BACKEND_TYPE) return configured;
  const others = types.filter((t) => t !== LOCAL_BACKEND_TYPE);
  if (others.length === 1) return others[0] as string;
  throw new MeshroomError("E_USAGE", "`--to local` needs --from: meshroom.yaml uses the local files already", {
    detail: `Name the backend to copy from, e.g. \`meshroom state migrate --from ${others[0] ?? "pg"} --to local\`.`,
  });
}
