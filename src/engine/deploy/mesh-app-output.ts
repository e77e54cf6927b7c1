// The checks of what a code mesh's app wrote, with zod: loaded by run-mesh-app.ts once the app
// is started, so that loading zod (about 100 ms of CPU) overlaps the app's own run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { MeshroomError, type ErrorCode } from "../../errors/index.js";
import { parseDesiredDocument, type DesiredDocument } from "../../synth/index.js";

const ErrorReportSchema = z.object({
  code: z.string(),
  message: z.string(),
  detail: z.string().optional(),
  diagnostics: z.array(z.object({ summary: z.string(), detail: z.string().optional() })).default([]),
});

/** The mesh's problems as the app's MeshStack reported them: the CLI's own error, rebuilt. */
export function reportedError(file: string): MeshroomError {
  const r = ErrorReportSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!r.success) return new MeshroomError("E_BAD_MANIFEST", `${file} is not a meshroom error report`);
  const known = r.data.code.startsWith("E_") ? (r.data.code as ErrorCode) : "E_BAD_MANIFEST";
  return new MeshroomError(known, r.data.message, {
    ...(r.data.detail !== undefined ? { detail: r.data.detail } : {}),
    diagnostics: r.data.diagnostics.map((d) => ({ summary: d.summary, ...(d.detail !== undefined ? { detail: d.detail } : {}) })),
  });
}

const ManifestSchema = z.object({
  stacks: z.record(z.string(), z.object({ name: z.string(), synthesizedStackPath: z.string() }).loose()),
}).loose();

/** The stack the app synthesized (MESHROOM_STACK or `wanted` names it when there are several), parsed. */
export function readAppStack(app: string, manifestFile: string, outdir: string, wanted: string | undefined): { document: DesiredDocument; stack: string; file: string } {
  const manifest = ManifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
  if (!manifest.success) throw new MeshroomError("E_BAD_MANIFEST", `${manifestFile} is not a cdktf manifest`);
  const stacks = Object.values(manifest.data.stacks);
  const chosen = wanted !== undefined ? stacks.find((s) => s.name === wanted) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    throw new MeshroomError("E_USAGE", wanted !== undefined ? `the mesh app has no stack ${wanted}` : `the mesh app synthesized ${stacks.length} stacks; say which one is the mesh`, {
      detail: `stacks: ${stacks.map((s) => s.name).join(", ") || "none"}; set MESHROOM_STACK=<name>`,
    });
  }
  const file = join(outdir, chosen.synthesizedStackPath);
  if (!existsSync(file)) throw new MeshroomError("E_BAD_MANIFEST", `the mesh app's stack ${chosen.name} has no ${file}`);
  return { document: parseDesiredDocument(readFileSync(file, "utf8"), file), stack: chosen.name, file };
}
