import { MeshroomError } from "../errors/index.js";
import type { Instance, Mode, Plug, PlugKind, PlugSpec, SettingDef } from "../model/index.js";
import { complementaryRole, isSourceRole, kindOfRole } from "../model/index.js";
import type { CapabilityGraph } from "./graph.js";
import { type Integration, integrationRef } from "./integration.js";
import { integrationsBetween } from "./integrations-between.js";
import { formatsCompatible, moreSpecificFormat } from "./match.js";
import { noIntegrationError } from "./no-integration.js";
import { compareCandidates } from "./rank.js";

export type PlugEnd = Pick<Instance, "name" | "product">;

export interface ResolvePlugRequest {
  topic: string;
  src: PlugEnd;
  dst: PlugEnd;
  mode?: Mode;
  format?: string;
  /** `--owner`: the instance (src or dst) that should own both sides. */
  owner?: string;
  existing: readonly Plug[];
}

/** A plug as resolved, before its settings are prompted and its file is written. */
export interface ResolvedPlug extends PlugSpec {
  /** Plug settings declared by each side's explicit integration (to prompt). */
  plugSettings: { src: SettingDef[]; dst: SettingDef[] };
}

export type PlugResolution = { status: "exists"; plug: Plug } | { status: "resolved"; plug: ResolvedPlug };

/**
 * Resolves `meshroom plug TOPIC SRC DST` (20-matching.md): (1) an existing plug with the
 * same (src, dst, topic, mode) is returned as is — with no `mode`, any mode counts, push
 * first; (2) the best matching pair where both sides own self; (3) a source-side
 * integration owning both (owner unset or SRC), then a destination-side one (owner unset
 * or DST); (4) E_NO_INTEGRATION saying what each side has and the commands to fix it.
 */
export function resolvePlug(graph: CapabilityGraph, req: ResolvePlugRequest): PlugResolution {
  const { topic, src, dst, mode, format, owner } = req;
  if (src.name === dst.name) {
    throw new MeshroomError("E_USAGE", `cannot plug instance ${src.name} to itself`, {
      detail: "a plug links two different instances (they may be instances of the same product)",
    });
  }
  if (owner !== undefined && owner !== src.name && owner !== dst.name) {
    throw new MeshroomError("E_USAGE", `--owner must be ${src.name} or ${dst.name}, not ${owner}`);
  }
  const same = req.existing.filter((p) => p.src === src.name && p.dst === dst.name && p.topic === topic && (mode === undefined || p.mode === mode));
  const existing = same.find((p) => p.mode === "push") ?? same[0];
  if (existing) {
    if (format !== undefined && existing.format !== format) throw _otherFormat(existing, format);
    return { status: "exists", plug: existing };
  }

  for (const [name, product] of [[src.name, src.product], [dst.name, dst.product]] as const) {
    if (!graph.products.has(product)) {
      throw new MeshroomError("E_NOT_FOUND", `instance ${name} is of unknown product ${product}`, {
        detail: `create it with \`meshroom create product ${product}\` or fix instances/${product}/${name}`,
      });
    }
  }

  const wanted = (i: Integration) => i.topic === topic && (mode === undefined || i.mode === mode) && formatsCompatible(i.format, format);
  const srcSide = integrationsBetween(graph, src.product, dst.product).filter((i) => isSourceRole(i.role) && wanted(i));
  const dstSide = integrationsBetween(graph, dst.product, src.product).filter((i) => !isSourceRole(i.role) && wanted(i));

  // (2) both sides own self
  const pairs: [Integration, Integration][] = [];
  for (const s of srcSide) {
    if (s.ownership !== "owns self") continue;
    for (const d of dstSide) {
      if (d.ownership !== "owns self") continue;
      if (complementaryRole(s.role) !== d.role || s.mode !== d.mode || !formatsCompatible(s.format, d.format)) continue;
      pairs.push([s, d]);
    }
  }
  pairs.sort(compareCandidates);
  const best = pairs[0];
  if (best) {
    const [s, d] = best;
    return { status: "resolved", plug: _plug(req, s.mode, moreSpecificFormat(moreSpecificFormat(s.format, d.format), format), kindOfRole(s.role), "both", s, d) };
  }

  // (3) one side owns both: source first, then destination
  const ownsBoth = (side: readonly Integration[]) => side.filter((i) => i.ownership === "owns both").map((i) => [i]).sort(compareCandidates)[0]?.[0];
  const srcOwner = owner === undefined || owner === src.name ? ownsBoth(srcSide) : undefined;
  if (srcOwner) {
    return { status: "resolved", plug: _plug(req, srcOwner.mode, moreSpecificFormat(srcOwner.format, format), kindOfRole(srcOwner.role), src.name, srcOwner, undefined) };
  }
  const dstOwner = owner === undefined || owner === dst.name ? ownsBoth(dstSide) : undefined;
  if (dstOwner) {
    return { status: "resolved", plug: _plug(req, dstOwner.mode, moreSpecificFormat(dstOwner.format, format), kindOfRole(dstOwner.role), dst.name, undefined, dstOwner) };
  }

  // (4) nothing can set it up
  const ctx = {
    topic,
    src: { instance: src.name, product: src.product, found: srcSide },
    dst: { instance: dst.name, product: dst.product, found: dstSide },
    ...(mode !== undefined ? { mode } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(owner !== undefined ? { owner } : {}),
  };
  throw noIntegrationError(ctx);
}

function _plug(
  req: ResolvePlugRequest,
  mode: Mode,
  format: string | undefined,
  kind: PlugKind,
  owner: string,
  s: Integration | undefined,
  d: Integration | undefined,
): ResolvedPlug {
  const plug: ResolvedPlug = {
    src: req.src.name,
    dst: req.dst.name,
    topic: req.topic,
    mode,
    kind,
    owner,
    plugSettings: { src: s ? [...s.plugSettings] : [], dst: d ? [...d.plugSettings] : [] },
  };
  if (format !== undefined) plug.format = format;
  if (s) plug.srcIntegration = integrationRef(s);
  if (d) plug.dstIntegration = integrationRef(d);
  return plug;
}

/** `plug … --format F` while the same plug exists with another format: refused, saying how to change it. */
function _otherFormat(existing: Plug, format: string): MeshroomError {
  const { src, dst, topic, mode } = existing;
  return new MeshroomError("E_CONFLICT", `plug ${src} -[${topic}]-> ${dst} (${mode}) already exists with format ${existing.format ?? "unset (any)"}, not ${format}`, {
    detail: `a plug is one link per (source, destination, topic, mode)\n` +
      `to change its format, unplug it and plug again: \`meshroom unplug ${topic} ${src} ${dst} --mode ${mode}\` then ` +
      `\`meshroom plug ${topic} ${src} ${dst} --mode ${mode} --format ${format}\` (the next apply tears the old link down and sets the new one up)`,
  });
}
