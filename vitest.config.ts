import { defineConfig } from "vitest/config";

// Slow/system suites are tagged by file name (*.slow.test.ts) and run with MESHROOM_SLOW=1 (CI does).
const slow = process.env.MESHROOM_SLOW === "1";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    exclude: slow ? ["node_modules/**", "dist/**"] : ["node_modules/**", "dist/**", "**/*.slow.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Slow suites start daemons, browsers and servers and some measure wall time against the
    // spec's targets (on "a machine that is not otherwise busy"): run their files one at a time.
    fileParallelism: !slow,
    // builds dist/ when it is older than src/, so end-to-end tests run the current CLI (test/setup/build.ts)
    globalSetup: ["test/setup/build.ts"],
  },
});
