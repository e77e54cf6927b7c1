import { MeshroomError } from "../errors/index.js";
import type { HookDescriptor, Instance, Mode, Role, RuntimeHookKind } from "../model/index.js";
import { HOOK_KIND_TABLE, type HookKindFacts, compareHookOrder } from "../model/index.js";
import type { CapabilityGraph } from "./graph.js";
import { type HookScope, applyOverloading, hookAppliesTo } from "./hook-scope.js";

export type { RuntimeHookKind };

export interface RuntimeHookRequest {
  topic: string;
  srcInstance: Pick<Instance, "name" | "product">;
  dstInstance?: Pick<Instance, "name" | "product">;
  mode?: Mode;
  /** The plug's format when known; unset: hooks of any format qualify. */
  format?: string;
}

export interface RuntimeHookChoice {
  hook: HookDescriptor;
  /** "src"/"dst": the side of the plug; "instance": no DST was given. */
  side: "src" | "dst" | "instance";
  /** The instance whose product's hook was chosen. */
  instance: string;
  product: string;
}

interface _Candidate {
  side: "src" | "dst" | "instance";
  instance: Pick<Instance, "name" | "product">;
  target?: string;
  role?: Role;
}

/**
 * Which hook serves `produce`/`watch`/`trigger`/`execute` (20-matching.md):
 * produce → producer side, else consumer side; watch → consumer side, else producer side;
 * trigger → trigger side; execute → executor side; on an instance alone → the product's
 * product-wide hooks for the topic. On each side the most specific hook wins (target,
 * topic, mode, role, format set beat unset), then hook order. E_NO_HOOK when none.
 */
export function selectRuntimeHook(graph: CapabilityGraph, kind: RuntimeHookKind, req: RuntimeHookRequest): RuntimeHookChoice {
  const candidates = _candidates(kind, req);
  for (const c of candidates) {
    const scope: HookScope = {
      product: c.instance.product,
      topic: req.topic,
      ...(c.target !== undefined ? { target: c.target } : {}),
      ...(c.role !== undefined ? { role: c.role } : {}),
      ...(req.mode !== undefined ? { mode: req.mode } : {}),
      ...(req.format !== undefined ? { format: req.format } : { anyFormat: true }),
    };
    const all = (graph.hooks.get(c.instance.product) ?? []).filter((h) => h.kind === kind && hookAppliesTo(h, scope));
    const best = applyOverloading(all).sort((a, b) => _specificity(b) - _specificity(a) || compareHookOrder(a, b))[0];
    if (best) return { hook: best, side: c.side, instance: c.instance.name, product: c.instance.product };
  }
  const looked = candidates
    .map((c) => `${c.instance.product} (instance ${c.instance.name}${c.role ? `, ${c.role} side` : ""})`)
    .join(" or ");
  const modeText = req.mode ? ` in ${req.mode} mode` : "";
  throw new MeshroomError("E_NO_HOOK", `no \`${kind}\` hook for ${req.topic}${modeText} on ${looked}`, {
    detail: `add one to the product (products/<product>/*.ts), e.g. \`${kind}("${req.topic}", …)\` imported from "meshroom/hooks"`,
  });
}

function _specificity(h: HookDescriptor): number {
  return [h.target, h.topic, h.mode, h.role, h.format].filter((x) => x !== undefined).length;
}

function _candidates(kind: RuntimeHookKind, req: RuntimeHookRequest): _Candidate[] {
  const src = req.srcInstance;
  const dst = req.dstInstance;
  if (!dst) return [{ side: "instance", instance: src }];
  const srcSide = (role: Role): _Candidate => ({ side: "src", instance: src, target: dst.product, role });
  const dstSide = (role: Role): _Candidate => ({ side: "dst", instance: dst, target: src.product, role });
  // the sides, in preference order, come from the kind's row in model/hook-kinds.ts
  const sides: NonNullable<HookKindFacts["sides"]> = HOOK_KIND_TABLE[kind].sides;
  return sides.map(({ side, role }) => (side === "src" ? srcSide(role) : dstSide(role)));
}
