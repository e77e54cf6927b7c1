import { MeshroomError } from "../../errors/index.js";
import type { Mode } from "../../model/index.js";
import { plugRecord, type DesiredResource } from "../../synth/index.js";
import type { StateResource } from "../../state/index.js";
import type { EngineSetup } from "./engine-setup.js";
import { applyOperation, type ApplyOutcome, type ApplyRequest } from "./apply-operation.js";

/** `up`/`down` positional filters, as the original tool: all; one instance's outgoing plugs; one plug. */
export interface MeshFilter {
  src?: string;
  dst?: string;
  topic?: string;
  mode?: Mode;
}

type Resource = Pick<DesiredResource | StateResource, "address" | "type" | "inputs">;

/**
 * The target addresses of a filter over some resources, or undefined for "everything".
 * `up SRC` with no outgoing plug targets the instance itself. E_NOT_FOUND when nothing matches.
 */
export function filterTargets(resources: readonly Resource[], f: MeshFilter, forWhat: "up" | "down"): string[] | undefined {
  if (f.src === undefined) return undefined;
  const plugs = resources.filter((r) => {
    if (r.type !== "meshroom_plug") return false;
    const p = plugRecord(r);
    return p.src === f.src && (f.dst === undefined || p.dst === f.dst) && (f.topic === undefined || p.topic === f.topic) && (f.mode === undefined || p.mode === f.mode);
  });
  if (plugs.length > 0) return plugs.map((p) => p.address).sort();
  if (forWhat === "up" && f.dst === undefined && resources.some((r) => r.address === `instance.${f.src}`)) return [`instance.${f.src}`];
  const what = [f.src, f.dst && `→ ${f.dst}`, f.topic, f.mode].filter(Boolean).join(" ");
  throw new MeshroomError("E_NOT_FOUND", `no plug matches ${what}${forWhat === "down" ? " in state" : ""}`, {
    detail: forWhat === "down" ? "`meshroom state list` shows what is set up" : "`meshroom list plugs` shows the plugs of the project",
  });
}

/** `meshroom up [SRC [DST [TOPIC [MODE]]]]`: an auto-approved apply of the matching plugs (and their instances). */
export function upOperation(setup: EngineSetup, f: MeshFilter, req: Omit<ApplyRequest, "targets" | "destroy" | "saved" | "confirm"> = {}): Promise<ApplyOutcome> {
  const targets = filterTargets(setup.resources, f, "up");
  return applyOperation(setup, { ...req, ...(targets ? { targets } : {}) });
}

/** `meshroom down [SRC [DST [TOPIC [MODE]]]]`: an auto-approved destroy of the matching plugs (everything without filter). */
export async function downOperation(setup: EngineSetup, f: MeshFilter, req: Omit<ApplyRequest, "targets" | "destroy" | "saved" | "confirm"> = {}): Promise<ApplyOutcome> {
  const state = f.src === undefined ? undefined : await setup.store.read();
  const targets = state === undefined ? undefined : filterTargets(state.resources, f, "down");
  return applyOperation(setup, { ...req, destroy: true, ...(targets ? { targets } : {}) });
}
