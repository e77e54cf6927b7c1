import { type Capability, type HookDescriptor, type Mode, MODES, type Product } from "../model/index.js";
import { matchKeyString } from "./match.js";

/**
 * Capabilities implied by a product's product-wide setup hooks (kind `setup`, no target)
 * that name both a role and a topic. A hook without a mode implies push and pull; its
 * format, when set, is carried over.
 */
export function impliedCapabilities(productName: string, hooks: readonly HookDescriptor[]): Capability[] {
  const out: Capability[] = [];
  for (const h of hooks) {
    if (h.kind !== "setup" || h.product !== productName || h.target !== undefined) continue;
    if (h.role === undefined || h.topic === undefined) continue;
    const modes: readonly Mode[] = h.mode ? [h.mode] : MODES;
    for (const mode of modes) {
      const c: Capability = { product: productName, role: h.role, topic: h.topic, mode };
      if (h.format !== undefined) c.format = h.format;
      out.push(c);
    }
  }
  return out;
}

/** Declared capabilities (definition.yaml, in file order) then implied ones, without duplicates. */
export function effectiveCapabilities(product: Product, hooks: readonly HookDescriptor[]): Capability[] {
  const seen = new Set<string>();
  const out: Capability[] = [];
  const implied = impliedCapabilities(product.name, hooks).sort(_compareCapabilities);
  for (const c of [...product.capabilities, ...implied]) {
    const k = matchKeyString(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ ...c, product: product.name });
  }
  return out;
}

function _compareCapabilities(a: Capability, b: Capability): number {
  const ka = matchKeyString(a);
  const kb = matchKeyString(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
