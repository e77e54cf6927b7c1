import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DesiredDocument } from "../../synth/index.js";
import { isMeshroomApp, readCdktfJson } from "./cdktf-json.js";
import { runMeshApp } from "./run-mesh-app.js";

export interface SynthResult {
  /** `yaml`: the project's instances through the constructs; `app`: the project's own cdktf app. */
  source: "yaml" | "app";
  outdir: string;
  stack: string;
  file: string;
  document: DesiredDocument;
}

/**
 * `meshroom synth`: writes what `cdktf synth` writes (`<outdir>/manifest.json`,
 * `<outdir>/stacks/<stack>/cdk.tf.json`) without the cdktf CLI. A YAML project goes through
 * the constructs in-process (cdktf is loaded only here); a code mesh's app is run.
 */
export async function synthProject(root: string, opts: { outdir?: string; signal?: AbortSignal } = {}): Promise<SynthResult> {
  const abs = resolve(root);
  const config = readCdktfJson(abs);
  const outdir = resolve(abs, opts.outdir ?? config?.output ?? "cdktf.out");
  if (!isMeshroomApp(config?.app)) {
    const r = await runMeshApp(abs, config!, { outdir, ...(opts.signal ? { signal: opts.signal } : {}) });
    return { source: "app", ...r };
  }
  mkdirSync(outdir, { recursive: true });
  const { synthYamlProject } = await import("../../../stacks/project.js");
  const { file, stack } = await synthYamlProject(abs, outdir);
  const { parseDesiredDocument } = await import("../../synth/document.js");
  return { source: "yaml", outdir, stack, file, document: parseDesiredDocument(readFileSync(file, "utf8"), file) };
}
