import { z } from "zod";

/** instances/<product>/<name>/config.yaml: non-secret settings of one tenant. */
export const InstanceConfigSchema = z
  .object({
    settings: z.record(z.string(), z.unknown()).nullable().optional(),
    description: z.string().optional(),
  })
  .strict();
export type InstanceConfigRaw = z.infer<typeof InstanceConfigSchema>;

export interface Instance {
  name: string;
  product: string;
  settings: Record<string, unknown>;
  /** Absolute path of config.yaml. */
  file: string;
}
