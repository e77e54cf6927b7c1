// meshroom/testing/jest: the mesh matchers for jest, with their types, without vitest.
// As a setup file it registers them with jest's global `expect`; its types extend jest's
// `Matchers` (the @types/jest global namespace):
//   // jest.config.mjs — meshroom is ESM: run jest with NODE_OPTIONS=--experimental-vm-modules
//   export default { transform: {}, setupFilesAfterEnv: ["meshroom/testing/jest"] };
//   // mesh.test.mjs
//   expect(stack).toHaveInstance("siem_local", { port: 8514 });
// With `import { expect } from "@jest/globals"` (no global expect), call
// `expect.extend(meshMatchers)` yourself (exported here too).
import { meshMatchers, type MeshMatchers } from "./matchers.js";

export { Testing } from "./testing.js";
export { meshMatchers, type MeshMatchers, type MatcherResult, type PlugQuery } from "./matchers.js";

declare global {
  namespace jest {
    interface Matchers<R> extends MeshMatchers<R> {}
  }
}

/** jest's global `expect`, when this module runs in a jest environment (a setup file, a test). */
const globalExpect = (globalThis as { expect?: { extend?: unknown } }).expect;
if (globalExpect && typeof globalExpect.extend === "function") (globalExpect.extend as (m: typeof meshMatchers) => void)(meshMatchers);
