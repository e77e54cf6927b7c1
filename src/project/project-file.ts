import { z } from "zod";
import { backendSettingsSchema } from "../state/backends.js";

/** meshroom.yaml at the project root: marks the project and holds project-wide settings. */
export const ProjectFileSchema = z
  .object({
    name: z.string().optional(),
    /**
     * Whose hook code must be trusted (`meshroom trust`) before it runs: "imported" (default) the
     * products that came from outside the project; "all" every product (teams that review hook
     * changes through meshroom.lock).
     */
    trust: z.enum(["imported", "all"]).optional(),
    /** The state backend: `type` and that backend's fields, from the registry (state/backends.ts). */
    backend: z.lazy(() => backendSettingsSchema()).optional(),
    /**
     * How secrets.gpg is opened. `gnupg: true`: decrypted by the user's own GnuPG (`gpg`, its
     * keyring and agent: smartcards work) instead of a key file (MESHROOM_GPG_KEY or the key
     * `meshroom secrets init` generates).
     */
    secrets: z.object({ gnupg: z.boolean().optional() }).strict().optional(),
  })
  .strict();
export type ProjectSettings = z.infer<typeof ProjectFileSchema>;
