import { findIntegration } from "../../capabilities/index.js";
import { hookInput, integrationInput, type HookInput, type SecretAccess } from "../../hooks/index.js";
import type { IntegrationRef, Plug } from "../../model/index.js";
import { instanceInputs, plugInputs } from "../../synth/index.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";
import type { SecretsPort } from "../../mesh/secrets-port.js";

/**
 * A live hook's input for an instance, or for one side of a plug: the project's instance and plug
 * as the same resource records apply hands its hooks (hooks/hook-input.ts builds both).
 */
export function liveHookInput(mesh: LoadedMesh, instance: string, plug?: { plug: Plug; side: "src" | "dst" }): HookInput {
  const i = mesh.project.instances.get(instance);
  if (!i) throw new Error(`instance ${instance} is not in the project`);
  if (!plug) return hookInput({ instance: instanceInputs(i) });
  const inputs = plugInputs(plug.plug);
  const ref = plug.side === "src" ? inputs.src_integration : inputs.dst_integration;
  const explicit = ref ? findIntegration(mesh.graph, ref)?.definition : undefined;
  return hookInput({ instance: instanceInputs(i), plug: { inputs, side: plug.side, ...(explicit ? { explicit } : {}) } });
}

/** The `integration` part alone (pull/publish hooks), with the explicit YAML's settings and extra fields. */
export function liveIntegrationInput(mesh: LoadedMesh, ref: IntegrationRef): NonNullable<HookInput["integration"]> {
  return integrationInput(ref, findIntegration(mesh.graph, ref)?.definition);
}

/** Adapts the lazily opened store to what the hook runner needs; changes are saved by `flush`. */
export function secretAccess(open: () => Promise<SecretsPort>): SecretAccess & { flush(): Promise<void> } {
  let touched = false;
  return {
    async get(scope, name) {
      return (await open()).get(scope, name);
    },
    async set(scope, name, value) {
      touched = true;
      await (await open()).set(scope, name, value);
    },
    async delete(scope, name) {
      touched = true;
      await (await open()).delete(scope, name);
    },
    async flush() {
      if (touched) await (await open()).save();
    },
  };
}
