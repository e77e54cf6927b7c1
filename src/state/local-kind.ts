import { z } from "zod";
import { defineStateBackend } from "./backend-kind.js";
import { LocalBackend } from "./local-backend.js";

export const LOCAL_BACKEND_TYPE = "local";

/** The embedded default: JSON files in the project (used when meshroom.yaml has no `backend:`). */
export const localBackendKind = defineStateBackend({
  type: LOCAL_BACKEND_TYPE,
  describe: "the local files",
  useHint: "Now set `backend: { type: local }` (or remove `backend:`) in meshroom.yaml so meshroom uses the local files.",
  settingsSchema: z.object({}),
  open: async (_settings, ctx) => new LocalBackend(ctx.root),
});
