// examples/vendor-catalog/README.md is runnable: its ```bash blocks, in order, as one script
// (set -euo pipefail) with `meshroom` on PATH, in a scratch TMPDIR. Every command must succeed.
// Slow (some 40 CLI runs): MESHROOM_SLOW=1 npx vitest run test/vendor-catalog/tutorial.slow.test.ts
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, EXAMPLE, GIT_ENV, REPO, assertBuilt, bashBlocks } from "./helpers.js";

const README = readFileSync(join(EXAMPLE, "README.md"), "utf8");
let scratch: string;

beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), "meshroom-tutorial-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("vendor-catalog tutorial", () => {
  it("runs end to end", async () => {
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "meshroom"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, "meshroom"), 0o755);
    const tmp = join(scratch, "tmp");
    mkdirSync(tmp);
    const script = `set -euo pipefail\n${bashBlocks(README).join("\n")}\necho "WORK=$WORK"\n`;
    const r = await execa("bash", ["-c", script], {
      cwd: REPO, reject: false, input: "", timeout: 480_000, extendEnv: true,
      env: { ...GIT_ENV, PATH: `${bin}:${process.env.PATH ?? ""}`, TMPDIR: tmp, NO_COLOR: "1", CI: "1", ACME_CATALOG_URL: "", ACME_PUBLISH_URL: "" },
    });
    const out = `${r.stdout}\n--- stderr ---\n${r.stderr}`;
    expect(r.exitCode, out).toBe(0);
    // §2: the catalog came in, and a second pull was a no-op
    expect(r.stdout).toContain("3 products and 4 integrations");
    expect(r.stdout).toContain("No files changed.");
    // §4: the first plug failed for the documented reason, the second worked
    expect(r.stdout).toContain("expected: no integration on Acme's side yet");
    // §5: the branch on the fork holds the integration's two files
    expect(r.stdout).toContain('"branch":"meshroom/acme-myedr-search_threat-trigger"');
    expect(r.stdout).toMatch(/search_threat_trigger\.ts\s+\|/);
    expect(r.stdout).toMatch(/2 files changed/);
    // §6: the second project pulled the merged integration and plugged its tenants
    expect(r.stdout).toContain("3 products and 5 integrations in"); // the merged acme → myedr trigger is the 5th
    expect(r.stdout).toMatch(/sensor1\s+soc_tenant\s+events/);
    expect(r.stdout).toMatch(/soc_tenant\s+edr_tenant\s+search_threat/);
  }, 600_000);
});
