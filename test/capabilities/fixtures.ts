// Builders for capability-graph tests: products, hooks and explicit integrations in memory.
import type { Capability, ExplicitIntegration, HookDescriptor, Mode, Plug, Product, Role, SettingDef } from "../../src/model/index.js";
import { parseIntegrationFileName } from "../../src/model/index.js";

type CapSpec = [role: Role, topic: string, mode?: Mode, format?: string];

export function product(name: string, caps: CapSpec[] = []): Product {
  const capabilities: Capability[] = caps.map(([role, topic, mode, format]) => {
    const c: Capability = { product: name, role, topic, mode: mode ?? "push" };
    if (format !== undefined) c.format = format;
    return c;
  });
  return { name, description: "", tags: [], settings: [], capabilities, commandHooks: [], dir: `/p/products/${name}` };
}

let _n = 0;
export function hook(h: Partial<HookDescriptor> & Pick<HookDescriptor, "kind" | "product">): HookDescriptor {
  _n++;
  return {
    id: h.id ?? `${h.product}/${h.target ?? "_"}/${h.kind}/${String(_n).padStart(4, "0")}`,
    ownsBoth: false,
    keepWhenOverloaded: false,
    title: h.title ?? `${h.kind}${_n}`,
    timeout: 300,
    source: `/p/products/${h.product}/hooks.ts`,
    ...h,
  };
}

export function explicit(productName: string, target: string, fileName: string, plugSettings: SettingDef[] = []): ExplicitIntegration {
  const key = parseIntegrationFileName(fileName);
  if (!key) throw new Error(`bad integration file name ${fileName}`);
  return {
    ...key, product: productName, target, plugSettings, settings: {}, extra: {}, commandHooks: [],
    file: `/p/products/${productName}/integrations/${target}/${fileName}`,
  };
}

export function instance(name: string, productName: string) {
  return { name, product: productName, settings: {}, file: `/p/instances/${productName}/${name}/config.yaml` };
}

export function plug(p: Partial<Plug> & Pick<Plug, "src" | "dst" | "topic">): Plug {
  return { mode: "push", kind: "data", owner: "both", settings: { src: {}, dst: {} }, file: "/p/plug.yaml", ...p };
}

export function setting(name: string): SettingDef {
  return { name, type: "string", required: true, secret: false };
}

/** Deterministic Fisher–Yates shuffle (seeded LCG) so a failing test reproduces. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
