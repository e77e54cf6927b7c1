import { sideIntegration, type ExplicitIntegration, type InstanceInputs, type IntegrationRef, type PlugInputs } from "../model/index.js";
import type { HookInput } from "./context.js";

/** Who a hook acts for, as typed resource records (model/resource-inputs.ts). */
export interface HookSubject {
  /** The instance the hook runs for (for a plug: the instance of the hook's side). */
  instance: InstanceInputs;
  plug?: {
    inputs: PlugInputs;
    /** The side the hook runs on: the plug settings and the integration it gets are that side's. */
    side: "src" | "dst";
    /** That side's explicit integration (its YAML's settings and extra fields), when it has one. */
    explicit?: Pick<ExplicitIntegration, "settings" | "extra">;
  };
}

/**
 * The one place a hook's input is built: lifecycle hooks (apply, from the plan or the state) and
 * live hooks (produce, watch, trigger, execute, from the project) alike hand it typed resource
 * records, so both get the same fields in the same form. `extra` adds the per-call fields.
 */
export function hookInput(subject: HookSubject, extra: Omit<HookInput, "instance" | "plug" | "integration"> = {}): HookInput {
  const { name, product, settings } = subject.instance;
  const plug = subject.plug;
  if (!plug) return { instance: { name, product, settings }, ...extra };
  const p = plug.inputs;
  const ref = sideIntegration(p, plug.side);
  return {
    instance: { name, product, settings },
    plug: {
      src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, kind: p.kind, settings: p.settings[plug.side] ?? {},
      ...(p.format !== null ? { format: p.format } : {}),
    },
    ...(ref ? { integration: integrationInput(ref, plug.explicit) } : {}),
    ...extra,
  };
}

/** The `integration` part of a hook's input (alone for pull/publish hooks, which act for no instance). */
export function integrationInput(ref: IntegrationRef, explicit?: Pick<ExplicitIntegration, "settings" | "extra">): NonNullable<HookInput["integration"]> {
  return {
    product: ref.product, targetProduct: ref.target, topic: ref.topic, role: ref.role, mode: ref.mode,
    ...(ref.format !== undefined ? { format: ref.format } : {}),
    settings: explicit?.settings ?? {},
    extra: explicit?.extra ?? {},
  };
}
