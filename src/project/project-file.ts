import { z } from "zod";

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
    backend: z
      .object({
        type: z.enum(["local", "pg"]),
        conn_str: z.string().optional(),
        conn_str_env: z.string().optional(),
        schema_name: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ProjectSettings = z.infer<typeof ProjectFileSchema>;
