import { resolve } from "node:path";
import type { CliContext } from "./context.js";

export function projectRoot(ctx: CliContext): string {
  return resolve(ctx.globals().path);
}

/** Refuses a command that writes YAML instances or plugs when the project's mesh is code (engine/deploy/code-mesh.ts). */
export async function refuseInCodeMesh(root: string, command: string): Promise<void> {
  const { refuseInCodeMesh: refuse } = await import("../engine/deploy/code-mesh.js");
  refuse(root, command);
}
