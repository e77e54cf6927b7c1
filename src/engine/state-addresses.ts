import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../errors/index.js";

/** Address → status ("ready" | "tainted" | "pending") as recorded in the local state file. */
export function readStateStatuses(root: string): Map<string, string> {
  const file = join(root, "meshroom.state.json");
  if (!existsSync(file)) return new Map();
  try {
    const doc = JSON.parse(readFileSync(file, "utf8")) as { resources?: Array<{ address?: unknown; status?: unknown }> };
    const out = new Map<string, string>();
    for (const r of doc.resources ?? []) if (typeof r.address === "string") out.set(r.address, typeof r.status === "string" ? r.status : "ready");
    return out;
  } catch (e) {
    throw new MeshroomError("E_STATE", `cannot read ${file}: ${(e as Error).message}`);
  }
}

export async function readStateAddresses(root: string): Promise<Set<string>> {
  return new Set(readStateStatuses(root).keys());
}
