export type { InstanceConfigRaw } from "./schemas.js";

export interface Instance {
  name: string;
  product: string;
  settings: Record<string, unknown>;
  /** Absolute path of config.yaml. */
  file: string;
}
