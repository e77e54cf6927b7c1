import { findIntegration } from "../../capabilities/index.js";
import type { HookInput, SecretAccess } from "../../hooks/index.js";
import type { IntegrationRef, Plug } from "../../model/index.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";
import type { SecretsPort } from "../../mesh/secrets-port.js";

type HookRecord = Record<string, unknown>;

/** The `instance` part of a hook's input. */
export function instanceInput(mesh: LoadedMesh, name: string): NonNullable<HookInput["instance"]> {
  const i = mesh.project.instances.get(name);
  if (!i) throw new Error(`instance ${name} is not in the project`);
  return { name: i.name, product: i.product, settings: i.settings as HookRecord };
}

/** The `plug` part: settings are those of the side the hook runs on. */
export function plugInput(plug: Plug, side: "src" | "dst"): NonNullable<HookInput["plug"]> {
  return {
    src: plug.src, dst: plug.dst, topic: plug.topic, mode: plug.mode, kind: plug.kind,
    settings: plug.settings[side] as HookRecord,
    ...(plug.format !== undefined ? { format: plug.format } : {}),
  };
}

/** The `integration` part, with the explicit YAML's settings and extra fields. */
export function integrationInput(mesh: LoadedMesh, ref: IntegrationRef): NonNullable<HookInput["integration"]> {
  const i = findIntegration(mesh.graph, ref);
  const def = i?.definition;
  return {
    product: ref.product, targetProduct: ref.target, topic: ref.topic, role: ref.role, mode: ref.mode,
    ...(ref.format !== undefined ? { format: ref.format } : {}),
    settings: (def?.settings ?? {}) as HookRecord,
    extra: (def?.extra ?? {}) as HookRecord,
  };
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
