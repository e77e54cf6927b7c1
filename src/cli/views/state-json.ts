// The state as `terraform show -json` prints one (format 1.0): `values.root_module.resources[]`,
// each with address, mode, type, name, provider_name, schema_version, values, sensitive_values,
// depends_on. A resource's values are its inputs, its hook outputs and one marker per secret
// (state holds only HMACs of secrets, and those are never printed).
import type { StateFile, StateResource } from "../../state/index.js";
import { REDACTED } from "../../util/redact.js";
import { VERSION } from "../../util/version.js";

/** The provider every meshroom resource belongs to (meshroom itself, as Terraform's builtin `terraform_data`). */
export const PROVIDER_KEY = "meshroom";
export const PROVIDER_NAME = "builtin/meshroom";
export const STATE_JSON_FORMAT = "1.0";

/** What every resource object of the document says about itself (a resource value also has `schema_version: 0`). */
export function resourceHead(address: string, type: string) {
  return { address, mode: "managed", type, name: address.slice(address.indexOf(".") + 1), provider_name: PROVIDER_NAME };
}

/** `{ NAME: "(sensitive value)" }` for each secret: the value is never known, only that there is one. */
export function secretMarkers(hmacs: Readonly<Record<string, string>>, marker: (name: string) => string = () => REDACTED): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(hmacs)) out[name] = marker(name);
  return out;
}

export function sensitiveOf(hmacs: Readonly<Record<string, string>>): Record<string, unknown> {
  const secrets: Record<string, boolean> = {};
  for (const name of Object.keys(hmacs)) secrets[name] = true;
  return { secrets };
}

/** A state resource's values: inputs, `outputs` its hooks recorded, `secrets` markers. */
export function stateValues(r: StateResource): Record<string, unknown> {
  return { ...r.inputs, outputs: r.outputs, secrets: secretMarkers(r.secret_hmacs) };
}

/** One resource of `values.root_module.resources` (a tainted one says so, as Terraform does). */
export function stateResourceJson(r: StateResource): Record<string, unknown> {
  return {
    ...resourceHead(r.address, r.type),
    schema_version: 0,
    values: stateValues(r),
    sensitive_values: sensitiveOf(r.secret_hmacs),
    ...(r.dependencies.length > 0 ? { depends_on: [...r.dependencies].sort() } : {}),
    ...(r.status === "tainted" ? { tainted: true } : {}),
  };
}

/** The `values` part (also a plan's `prior_state.values`). */
export function stateValuesJson(state: StateFile): Record<string, unknown> {
  return { root_module: rootModule([...state.resources].sort(byAddress).map(stateResourceJson)) };
}

/** `{ resources }`, or `{}` when there are none (Terraform leaves the key out then). */
export function rootModule(resources: readonly Record<string, unknown>[]): Record<string, unknown> {
  return resources.length > 0 ? { resources } : {};
}

/** `meshroom show --json`: the state shaped like `terraform show -json` (no state yet: the format only). */
export function renderStateJson(state: StateFile | undefined): Record<string, unknown> {
  return {
    format_version: STATE_JSON_FORMAT,
    meshroom_version: state?.meshroom_version || VERSION,
    ...(state ? { state_lineage: state.lineage, state_serial: state.serial, values: stateValuesJson(state) } : {}),
  };
}

export function byAddress(a: { address: string }, b: { address: string }): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
