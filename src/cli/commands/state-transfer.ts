// `meshroom state push FILE` and `meshroom state migrate --to pg|local`: move a state between
// a file, the local backend and the pg backend, refusing to replace a newer or unrelated state.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { MeshroomError } from "../../errors/index.js";
import { LocalBackend, parseStateText, type StateBackend } from "../../state/index.js";
import { currentWorkspace, openStateBackend } from "../../state/open-backend.js";
import { migrateState, pushState } from "../../state/transfer.js";
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

  state
    .command("migrate")
    .description("copy every workspace's state from the local files to PostgreSQL (--to pg) or back (--to local)")
    .requiredOption("--to <backend>", "pg or local")
    .option("--force", "replace states at the destination even if newer or of another lineage")
    .option("--lock-timeout <DURATION>", "wait this long for each state lock (e.g. 30s)")
    .action(async (flags: { to: string; force?: boolean; lockTimeout?: string }) => {
      if (flags.to !== "pg" && flags.to !== "local") throw new MeshroomError("E_USAGE", `--to expects pg or local, got ${JSON.stringify(flags.to)}`);
      const root = projectRoot(ctx);
      const settings = projectBackendSettings(root);
      const local = new LocalBackend(root);
      const pgBackend = await openStateBackend(root, { ...settings, type: "pg" }, ctx.io.env);
      const [from, to]: [StateBackend, StateBackend] = flags.to === "pg" ? [local, pgBackend] : [pgBackend, local];
      try {
        const t = parseLockTimeout(flags.lockTimeout);
        const done = await migrateState(from, to, { force: flags.force === true, ...(t ? { lockTimeoutMs: t } : {}) });
        for (const w of done) {
          ctx.out(w.serial === undefined ? `  ${w.workspace}: no state to copy` : `  ${w.workspace}: ${w.written ? "copied" : "already up to date"} (serial ${w.serial})`);
        }
        ctx.out(`Migrated ${done.filter((w) => w.serial !== undefined).length} workspace state(s) from ${from.type} to ${to.type}.`);
        if ((settings?.type ?? "local") !== flags.to) {
          ctx.out(flags.to === "pg"
            ? "Now set `backend: { type: pg, conn_str_env: MESHROOM_PG_CONN_STR }` in meshroom.yaml so meshroom uses it."
            : "Now set `backend: { type: local }` (or remove `backend:`) in meshroom.yaml so meshroom uses the local files.");
        }
      } finally {
        await closeBackend(pgBackend);
      }
    });
}
