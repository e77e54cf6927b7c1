import type { Mode } from "./capability.js";
import type { PlugKind } from "./plug.js";
import type { IntegrationRef } from "./schemas.js";

/**
 * The typed resource model: what state records and the plan compares as a resource's `inputs`,
 * in the one (snake_case) shape of the desired document. A YAML project, a code mesh and a state
 * file all come to these records — parsed once at their edge (synth/read.ts: `desiredResources`
 * for the document, `resourceRecord` for state) — and hooks get their input from them alone
 * (hooks/hook-input.ts). The zod schemas are derived from the desired document's (synth/document.ts),
 * which checks they give exactly these types.
 */

/** A JSON value (settings, hook outputs: what survives a JSON round trip). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type InstanceInputs = {
  name: string;
  product: string;
  settings: JsonObject;
};

export type PlugInputs = {
  src: string;
  dst: string;
  topic: string;
  mode: Mode;
  format: string | null;
  kind: PlugKind;
  owner: string;
  src_integration: IntegrationRef | null;
  dst_integration: IntegrationRef | null;
  /** Each side's settings (a hook gets those of the side it runs on). */
  settings: { src: JsonObject; dst: JsonObject };
};

/** A resource with its inputs typed by its resource type. */
export type ResourceRecord =
  | { address: string; type: "meshroom_instance"; inputs: InstanceInputs }
  | { address: string; type: "meshroom_plug"; inputs: PlugInputs };

/** The integration a plug side goes through, as named in the plug's inputs. */
export function sideIntegration(p: PlugInputs, side: "src" | "dst"): IntegrationRef | null {
  return side === "src" ? p.src_integration : p.dst_integration;
}
