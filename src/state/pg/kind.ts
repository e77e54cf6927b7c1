import { defineStateBackend } from "../backend-kind.js";
import { PgSettingsSchema } from "./config.js";

/** PostgreSQL for teams and CI; the `pg` driver is loaded only when a project uses it. */
export const pgBackendKind = defineStateBackend({
  type: "pg",
  describe: "PostgreSQL",
  useHint: "Now set `backend: { type: pg, conn_str_env: MESHROOM_PG_CONN_STR }` in meshroom.yaml so meshroom uses it.",
  settingsSchema: PgSettingsSchema,
  open: async (settings, ctx) => {
    const { PgBackend, resolvePgConfig } = await import("./index.js");
    const cfg = resolvePgConfig(settings, ctx.env);
    return new PgBackend({
      connectionString: cfg.connectionString,
      schema: cfg.schema,
      display: cfg.display,
      // A write that fails saves what it meant to store where the local backend would.
      erroredPath: ctx.erroredPath,
    });
  },
});
