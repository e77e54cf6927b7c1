import { isDeepStrictEqual } from "node:util";
import type { DesiredDocument } from "../src/synth/document.js";
import type { Mode } from "../src/model/index.js";
import { MESH_STACK, hasBrand } from "./brand.js";
import type { MeshStack } from "./mesh-stack.js";
import { Testing } from "./testing.js";

/**
 * Matchers for a mesh's unit tests, for vitest and jest alike (`expect.extend(meshMatchers)`):
 * `expect(stack).toHaveInstance("siem_local", { port: 8514 })`,
 * `expect(stack).toHavePlug({ topic: "events", src: "edr", dst: "siem", mode: "push" })`.
 * They take a MeshStack (synthesized with `Testing.synthMesh`) or its document; a failure shows
 * what the stack has.
 */
export interface MatcherResult {
  pass: boolean;
  message(): string;
}

interface MatcherContext {
  isNot?: boolean;
}

export interface PlugQuery {
  topic: string;
  /** Instance name, or the instance construct. */
  src: string | { node: { id: string } };
  dst: string | { node: { id: string } };
  mode?: Mode;
}

function documentOf(received: unknown): DesiredDocument {
  if (hasBrand(received, MESH_STACK)) return Testing.synthMesh(received as MeshStack);
  if (received !== null && typeof received === "object" && "resource" in received) return received as DesiredDocument;
  throw new TypeError("expected a MeshStack or the document of Testing.synthMesh(stack)");
}

function nameOf(end: PlugQuery["src"]): string {
  return typeof end === "string" ? end : end.node.id;
}

function instancesText(doc: DesiredDocument): string {
  const list = Object.values(doc.resource?.meshroom_instance ?? {});
  if (list.length === 0) return "the stack has no instances";
  return `the stack has:\n${list.map((i) => `  ${i.name} (${i.product}) ${JSON.stringify(i.settings)}`).join("\n")}`;
}

function plugsText(doc: DesiredDocument): string {
  const list = Object.values(doc.resource?.meshroom_plug ?? {});
  if (list.length === 0) return "the stack has no plugs";
  return `the stack has:\n${list.map((p) => `  ${p.src} -[${p.topic} ${p.mode}]-> ${p.dst}`).join("\n")}`;
}

export const meshMatchers = {
  /** An instance of `product` whose settings include `settings` (each given key equal). */
  toHaveInstance(this: MatcherContext, received: unknown, product: string, settings?: Record<string, unknown>): MatcherResult {
    const doc = documentOf(received);
    const pass = Object.values(doc.resource?.meshroom_instance ?? {}).some(
      (i) => i.product === product && Object.entries(settings ?? {}).every(([k, v]) => isDeepStrictEqual(i.settings[k], v)),
    );
    const wanted = `${this.isNot ? "no instance" : "an instance"} of ${product}${settings ? ` with settings ${JSON.stringify(settings)}` : ""}`;
    return { pass, message: () => `expected ${wanted}; ${instancesText(doc)}` };
  },

  /** A plug for `topic` from `src` to `dst` (instance names or constructs), in `mode` when given. */
  toHavePlug(this: MatcherContext, received: unknown, query: PlugQuery): MatcherResult {
    const doc = documentOf(received);
    const src = nameOf(query.src);
    const dst = nameOf(query.dst);
    const pass = Object.values(doc.resource?.meshroom_plug ?? {}).some(
      (p) => p.topic === query.topic && p.src === src && p.dst === dst && (query.mode === undefined || p.mode === query.mode),
    );
    const wanted = `${this.isNot ? "no plug" : "a plug"} ${src} -[${query.topic}${query.mode ? ` ${query.mode}` : ""}]-> ${dst}`;
    return { pass, message: () => `expected ${wanted}; ${plugsText(doc)}` };
  },
};

/** The matchers' types, for `declare module "vitest" { interface Assertion<T> extends MeshMatchers<T> {} }` (or jest's Matchers). */
export interface MeshMatchers<R = unknown> {
  toHaveInstance(product: string, settings?: Record<string, unknown>): R;
  toHavePlug(query: PlugQuery): R;
}
