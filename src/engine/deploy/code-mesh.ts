import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import type { Instance, Plug } from "../../model/index.js";
import type { Project } from "../../project/project.js";
import type { DesiredDocument } from "../../synth/index.js";
import { isMeshroomApp, readCdktfJson } from "./cdktf-json.js";

/** A project whose mesh is code: its `cdktf.json` runs an app of its own (`npx jiti main.ts`). */
export interface CodeMesh {
  /** The app command of cdktf.json. */
  app: string;
  /** The program the app runs, as the user names it (`main.ts`), else the command. */
  file: string;
}

/** The code mesh of the project at `root`, or undefined when its mesh is YAML. */
export function codeMeshOf(root: string): CodeMesh | undefined {
  const app = readCdktfJson(root)?.app;
  if (isMeshroomApp(app)) return undefined;
  const file = /(?:^|\s)([\w./-]+\.(?:[cm]?[jt]s|tsx))(?=\s|$)/.exec(app!)?.[1];
  return { app: app!, file: file ?? `\`${app}\`` };
}

/**
 * Refuses a command that writes YAML instances or plugs (`add`, `configure`, `remove`, `plug`,
 * `unplug`) in a code-mesh project: `plan` reads the code mesh's document, so that YAML would
 * be ignored without a word.
 */
export function refuseInCodeMesh(root: string, command: string): void {
  const code = codeMeshOf(root);
  if (!code) return;
  throw new MeshroomError("E_USAGE", `\`meshroom ${command}\` writes YAML, but this project's mesh is code: ${code.file} (cdktf.json runs \`${code.app}\`)`, {
    detail:
      `declare instances and plugs in ${code.file} (new Instance(...), the classes of \`meshroom get\`, new Plug(...)); ` +
      "store a secret with `meshroom secrets set instance:<name> <setting>`; `meshroom plan` shows the result",
  });
}

/**
 * The project with the instances and plugs of its synthesized mesh: for a code mesh, those of
 * the document its app writes (each `file` is the program); for a YAML mesh, the project as is.
 */
export async function withMeshOf(project: Project, opts: { signal?: AbortSignal } = {}): Promise<{ project: Project; code?: CodeMesh; document?: DesiredDocument }> {
  const code = codeMeshOf(project.root);
  if (!code) return { project };
  const { runMeshApp } = await import("./run-mesh-app.js");
  const { document } = await runMeshApp(project.root, readCdktfJson(project.root)!, opts);
  const file = join(project.root, code.file);
  const instances = new Map<string, Instance>();
  for (const i of Object.values(document.resource?.meshroom_instance ?? {})) {
    instances.set(i.name, { name: i.name, product: i.product, settings: i.settings, file });
  }
  const plugs: Plug[] = Object.values(document.resource?.meshroom_plug ?? {}).map((p) => ({
    src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, kind: p.kind, owner: p.owner,
    ...(p.format !== null ? { format: p.format } : {}),
    ...(p.src_integration ? { srcIntegration: p.src_integration } : {}),
    ...(p.dst_integration ? { dstIntegration: p.dst_integration } : {}),
    settings: p.settings, file,
  }));
  return { project: { ...project, instances, plugs }, code, document };
}
