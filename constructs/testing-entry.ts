// meshroom/testing: what a mesh's own unit tests use — `Testing` (an App in a temp dir removed
// at exit, `synthMesh(stack)` → the checked document) and matchers for vitest and jest:
//   import { meshMatchers } from "meshroom/testing";
//   expect.extend(meshMatchers);
//   expect(stack).toHaveInstance("siem_local", { port: 8514 });
//   expect(stack).toHavePlug({ topic: "events", src: "edr", dst: "siem", mode: "push" });
// jest users list `meshroom/testing/jest` (testing-jest.ts) in setupFilesAfterEnv instead: it
// registers them and declares their types on jest's Matchers.
export { Testing } from "./testing.js";
export { meshMatchers, type MeshMatchers, type MatcherResult, type PlugQuery } from "./matchers.js";
