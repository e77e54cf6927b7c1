import { existsSync } from "node:fs";
import { join } from "node:path";
import { HookRuntime } from "../../apply/index.js";
import type { HookLogSink, SecretAccess } from "../../hooks/index.js";
import type { StateStore } from "../../state/index.js";
import { openProjectStateStore } from "../../state/open-backend.js";
import { desiredResources, type DesiredDocument, type DesiredResource } from "../../synth/index.js";
import { desiredDocumentFor } from "./desired-source.js";
import type { EngineSetup } from "./engine-setup.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import type { Project } from "../../project/project.js";
import { preflightSecrets } from "./secrets-preflight.js";

/** The secrets store as the engine uses it (src/secrets' `SecretsStore` fits). */
export interface EngineSecrets {
  get: SecretAccess["get"];
  set: SecretAccess["set"];
  delete(scope: { instance: string } | { plug: string }, name: string): Promise<unknown>;
  deleteScope(scope: { instance: string } | { plug: string }): Promise<unknown>;
  hmac(scope: { instance: string } | { plug: string }, name: string): Promise<string | undefined>;
  readonly dirty: boolean;
  save(): Promise<void>;
  checkAccess(needs: { read: boolean; write: boolean }): Promise<void>;
}

export interface ProjectSetupOptions {
  store?: StateStore;
  /** Opens the secrets store on first use (commands that touch no secret never load openpgp). */
  openSecrets?: () => Promise<EngineSecrets>;
  log?: HookLogSink;
  /** The desired document to use (a saved plan's): the project's own is then not rebuilt (a code mesh's app is not run). */
  document?: DesiredDocument;
  /** The project at `root`, already loaded without any problem by this command (not loaded again). */
  project?: Project;
}

/**
 * An engine setup: the project is loaded with its hooks; the desired document comes from its
 * YAML mesh synthesized in-process, or from its own cdktf app when the mesh is defined in code
 * (desired-source.ts), or is given (a saved plan's). That document (built from the checked
 * project, or parsed with zod at the edge) is all the engine reads of the mesh.
 */
export async function loadProjectSetup(root: string, opts: ProjectSetupOptions = {}): Promise<EngineSetup> {
  const mesh = await loadMesh(root, opts.project ? { project: opts.project } : {});
  const document = opts.document ?? (await desiredDocumentFor(root, { project: mesh.project }));
  const resources = desiredResources(document);
  let secrets: Promise<EngineSecrets> | undefined;
  const hasStore = () => existsSync(join(root, "secrets.gpg"));
  const openSecrets = () => {
    if (!opts.openSecrets) throw new Error("no secrets store is available to this operation");
    return (secrets ??= opts.openSecrets());
  };
  const secretAccess: SecretAccess = {
    get: async (scope, name) => (await openSecrets()).get(scope, name),
    set: async (scope, name, value) => (await openSecrets()).set(scope, name, value),
    delete: async (scope, name) => {
      await (await openSecrets()).delete(scope, name);
    },
  };
  return {
    document,
    resources,
    store: opts.store ?? (await openProjectStateStore(root, mesh.project.settings.backend)),
    warnings: mesh.hooks.warnings,
    runtimeFor: (instance) =>
      new HookRuntime({
        graph: mesh.graph, hooks: mesh.hooks, instance,
        ...(opts.openSecrets ? { secrets: secretAccess, saveSecrets: async () => (await openSecrets()).save() } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      }),
    secretHmacs: async (list: readonly DesiredResource[]) => {
      const out = new Map<string, Record<string, string>>();
      if (!opts.openSecrets || !list.some((r) => r.secretRefs.length > 0) || !existsSync(join(root, "secrets.gpg"))) return out;
      const store = await openSecrets();
      for (const r of list) {
        if (r.secretRefs.length === 0) continue;
        const scope = secretScopeOf(r.address);
        const h: Record<string, string> = {};
        for (const name of r.secretRefs) {
          const v = await store.hmac(scope, name);
          if (v !== undefined) h[name] = v;
        }
        out.set(r.address, h);
      }
      if (store.dirty) await store.save(); // a first HMAC key was created: keep it, or every plan would differ
      return out;
    },
    ...(opts.openSecrets
      ? {
        checkSecrets: (plan, runtime, state, leaving) => preflightSecrets(root, plan, runtime, state, openSecrets, hasStore() ? leaving : []),
        forgetSecrets: async (addresses: readonly string[]) => {
          if (!hasStore()) return;
          const store = await openSecrets();
          for (const a of addresses) await store.deleteScope(secretScopeOf(a));
        },
      }
      : {}),
    afterApply: async () => {
      if (!secrets) return;
      const s = await secrets;
      if (s.dirty) await s.save();
    },
  };
}

/** The secrets scope of a resource: `instance.X` → { instance: X }; a plug's is its address. */
function secretScopeOf(address: string): { instance: string } | { plug: string } {
  return address.startsWith("instance.") ? { instance: address.slice("instance.".length) } : { plug: address };
}
