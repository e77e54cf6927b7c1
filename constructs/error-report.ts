import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MeshroomError } from "../src/errors/index.js";

/** Context key `Testing.app()` sets: a mesh with problems then throws, never ends the process. */
export const TESTING_CONTEXT = "meshroom:testing";

/** Next to `manifest.json`: the mesh's problems, for the process that ran the app. */
export const ERROR_REPORT_FILE = "meshroom-errors.json";

export interface ErrorReport {
  code: string;
  message: string;
  detail?: string;
  diagnostics: { summary: string; detail?: string }[];
}

export function writeErrorReport(outdir: string, e: MeshroomError): void {
  const report: ErrorReport = {
    code: e.code,
    message: e.message,
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    diagnostics: e.diagnostics.map((d) => ({ summary: d.summary, ...(d.detail !== undefined ? { detail: d.detail } : {}) })),
  };
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, ERROR_REPORT_FILE), JSON.stringify(report, null, 2) + "\n");
}
