import type { ProjectSettings } from "../../project/project-file.js";
import { openProjectStateStore } from "../../state/open-backend.js";

/** Address → status ("ready" | "tainted" | "pending") as recorded in the project's state backend. */
export async function readStateStatuses(root: string, settings: ProjectSettings, env: NodeJS.ProcessEnv = process.env): Promise<Map<string, string>> {
  const store = await openProjectStateStore(root, settings.backend, env);
  const state = await store.read();
  return new Map((state?.resources ?? []).map((r) => [r.address, r.status]));
}

export async function readStateAddresses(root: string, settings: ProjectSettings, env: NodeJS.ProcessEnv = process.env): Promise<Set<string>> {
  return new Set((await readStateStatuses(root, settings, env)).keys());
}
