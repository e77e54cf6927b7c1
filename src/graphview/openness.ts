import {
  type CapabilityGraph, type Integration, formatsCompatible, integrationsBetween, partnersOf,
} from "../capabilities/index.js";
import { complementaryRole, isSourceRole } from "../model/index.js";

/**
 * Density of the capability graph ("openness" of the products constellation): among the
 * ordered pairs (A, B) of distinct products, how many let data or actions flow from A to B.
 * - theoretical: A has a source-side integration (producer/trigger) towards B that matches a
 *   destination-side one (consumer/executor) of B towards A — same topic and mode, compatible
 *   formats — whatever their hooks;
 * - settable: `meshroom plug` would resolve an A→B plug for some topic: a matching pair whose
 *   sides both own self, or an integration on either side that owns both.
 * Every settable pair is also counted as theoretical.
 */
export interface Openness {
  products: number;
  /** n × (n − 1): ordered pairs of distinct products. */
  possiblePairs: number;
  theoretical: number;
  settable: number;
  /** theoretical / possiblePairs (0 when there are fewer than 2 products). */
  theoreticalDensity: number;
  settableDensity: number;
}

function sidesMatch(s: Integration, d: Integration): boolean {
  return complementaryRole(s.role) === d.role && s.topic === d.topic && s.mode === d.mode && formatsCompatible(s.format, d.format);
}

/** How the ordered pair (a → b) can interoperate. */
export function pairInterop(graph: CapabilityGraph, a: string, b: string): { theoretical: boolean; settable: boolean } {
  const srcSide = integrationsBetween(graph, a, b).filter((i) => isSourceRole(i.role));
  const dstSide = integrationsBetween(graph, b, a).filter((i) => !isSourceRole(i.role));
  let theoretical = false;
  let settable = srcSide.some((i) => i.ownership === "owns both") || dstSide.some((i) => i.ownership === "owns both");
  for (const s of srcSide) {
    for (const d of dstSide) {
      if (!sidesMatch(s, d)) continue;
      theoretical = true;
      if (s.ownership === "owns self" && d.ownership === "owns self") settable = true;
    }
  }
  return { theoretical: theoretical || settable, settable };
}

export function capabilityOpenness(graph: CapabilityGraph): Openness {
  const names = [...graph.products.keys()];
  // Candidate pairs: B is a partner of A, or A of B (a destination-side explicit integration
  // may point back at a product that lists nothing towards it).
  const candidates = new Map<string, Set<string>>();
  for (const a of names) candidates.set(a, new Set());
  for (const a of names) {
    for (const b of partnersOf(graph, a)) {
      if (b === a || !graph.products.has(b)) continue;
      candidates.get(a)?.add(b);
      candidates.get(b)?.add(a);
    }
  }
  let theoretical = 0;
  let settable = 0;
  for (const [a, bs] of candidates) {
    for (const b of bs) {
      const r = pairInterop(graph, a, b);
      if (r.theoretical) theoretical++;
      if (r.settable) settable++;
    }
  }
  const n = names.length;
  const possiblePairs = n * (n - 1);
  const ratio = (k: number) => (possiblePairs === 0 ? 0 : k / possiblePairs);
  return { products: n, possiblePairs, theoretical, settable, theoreticalDensity: ratio(theoretical), settableDensity: ratio(settable) };
}
