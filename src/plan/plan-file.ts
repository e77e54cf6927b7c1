import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { MeshroomError } from "../errors/index.js";
import { PlanSchema, type Plan } from "./types.js";
import { canonicalJson, parseStateValue, PRIVATE_FILE_MODE, writeFileAtomic, type StateFile } from "../state/index.js";
import { DesiredDocumentSchema, type DesiredDocument } from "../synth/index.js";
import { VERSION } from "../util/version.js";

const SavedPlanSchema = z
  .object({
    format: z.literal("meshroom-plan"),
    format_version: z.literal(1),
    meshroom_version: z.string(),
    created: z.string(),
    lineage: z.string().nullable(),
    serial: z.number().int().nonnegative(),
    document: DesiredDocumentSchema,
    plan: PlanSchema,
    /** The state the plan was made against (for `meshroom show PLANFILE`); absent in plans saved before it was kept, null when there was none. */
    prior_state: z.unknown().optional(),
    digest: z.string(),
  })
  .strict();

/** A plan saved with `plan -o FILE`: what `apply FILE` runs as-is, if the state did not move since. */
export type SavedPlan = z.infer<typeof SavedPlanSchema>;

function digestOf(body: Omit<SavedPlan, "digest">): string {
  return `sha256:${createHash("sha256").update(canonicalJson(body)).digest("hex")}`;
}

export function makeSavedPlan(plan: Plan, document: DesiredDocument, prior?: StateFile): SavedPlan {
  const body: Omit<SavedPlan, "digest"> = {
    format: "meshroom-plan", format_version: 1, meshroom_version: VERSION, created: new Date().toISOString(),
    lineage: plan.lineage, serial: plan.serial, document, plan, prior_state: prior ?? null,
  };
  return { ...body, digest: digestOf(body) };
}

export async function writeSavedPlan(file: string, saved: SavedPlan): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
}

/** Reads and checks a saved plan (schema and digest); E_BAD_VALUE naming the file when it is not one or was edited. */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new MeshroomError("E_BAD_VALUE", `${file} is not a saved plan: ${(e as Error).message}`, { detail: "make one with `meshroom plan -o FILE`" });
  }
  const r = SavedPlanSchema.safeParse(raw);
  if (!r.success) {
    const why = r.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new MeshroomError("E_BAD_VALUE", `${file} is not a meshroom saved plan (${why})`, { detail: "make one with `meshroom plan -o FILE`" });
  }
  const { digest, ...body } = r.data;
  if (digestOf(body) !== digest) {
    throw new MeshroomError("E_BAD_VALUE", `${file} was modified after it was saved (digest mismatch)`, { detail: "run `meshroom plan -o FILE` again" });
  }
  const saved = r.data;
  // A refresh-only plan saved before plans carried `recordDrift` records its drift.
  if (saved.plan.mode === "refresh-only" && saved.plan.recordDrift === undefined) saved.plan.recordDrift = saved.plan.drift;
  return saved;
}

/** The state a saved plan was made against (undefined: none, or a plan saved before plans kept it). */
export function savedPlanPrior(saved: SavedPlan, file: string): StateFile | undefined {
  return saved.prior_state === undefined || saved.prior_state === null ? undefined : parseStateValue(saved.prior_state, `${file} (its prior state)`);
}

/** E_PLAN_STALE unless the state is still the one the plan was made against. */
export function assertPlanFresh(saved: Pick<SavedPlan, "lineage" | "serial">, current: { lineage: string; serial: number } | undefined, file: string): void {
  const lineage = current?.lineage ?? null;
  const serial = current?.serial ?? 0;
  if (lineage === saved.lineage && serial === saved.serial) return;
  const what = lineage !== saved.lineage ? `the state's lineage is now ${lineage ?? "(no state)"}, the plan was made for ${saved.lineage ?? "(no state)"}` : `the state's serial moved from ${saved.serial} to ${serial}`;
  throw new MeshroomError("E_PLAN_STALE", `Saved plan ${file} is stale: ${what}.`, {
    detail: "The state changed since the plan was made. Run `meshroom plan -o FILE` again, review it, then apply the new file.",
  });
}
