// Attack/bug: several meshroom processes write secrets.gpg at once (`secrets set`, `configure -s`
// on different instances). Each one read the store, changed its key, and replaced the file: a
// writer that read before another's rename silently dropped that other's write (2 of ~30 were
// lost with exit 0), or failed with "changed on disk". Writers now take a lock and merge their
// own changes onto the current document, so every write survives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";
import { addRecipient, keyEnvFor, testKey } from "./secrets-helpers.js";

const WORKERS = 3;
const WRITES_PER_WORKER = 8;

let p: E2EProject;
let env: Record<string, string>;

beforeAll(async () => {
  p = await E2EProject.create({ tele: "settings:\n  - { name: API_URL, required: true }\n  - { name: API_KEY, secret: true }\n" });
  const k = await testKey();
  env = keyEnvFor(p, k);
  addRecipient(p, k);
  for (let w = 0; w < WORKERS; w++) await p.ok(["add", "tele", `t${w}`, "-c", "API_URL=https://x"]);
}, 120_000);

afterAll(() => p?.dispose());

/** One worker: its writes in sequence on its own instance (`secrets set`, and `configure -s` every third write). */
async function worker(w: number): Promise<Array<{ name: string; value: string; code: number | undefined; stderr: string }>> {
  const out = [];
  for (let j = 0; j < WRITES_PER_WORKER; j++) {
    const value = `value-${w}-${j}`;
    if (j % 3 === 2) {
      const r = await p.run(["configure", `t${w}`, "-s", "API_KEY"], { input: `${value}\n`, env });
      out.push({ name: "API_KEY", value, code: r.exitCode, stderr: r.stderr });
    } else {
      const r = await p.run(["secrets", "set", `instance:t${w}`, `K${j}`], { input: `${value}\n`, env });
      out.push({ name: `K${j}`, value, code: r.exitCode, stderr: r.stderr });
    }
  }
  return out;
}

describe("concurrent writers of secrets.gpg on different instances", () => {
  it("every write that reports success survives, and every write succeeds", async () => {
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    const failed = results.flat().filter((r) => r.code !== 0);
    // the latest value written to each (instance, name)
    const expected = new Map<string, { value: string; ok: boolean }>();
    results.forEach((rs, w) => rs.forEach((r) => expected.set(`instance:t${w} ${r.name}`, { value: r.value, ok: r.code === 0 })));
    const lost: string[] = [];
    let lostAfterSuccess = 0;
    for (const [key, { value, ok }] of expected) {
      const [scope, name] = key.split(" ") as [string, string];
      const got = await p.run(["secrets", "get", scope, name], { env });
      if (got.stdout !== `${value}\n`) {
        lost.push(`${key}: expected ${value}, got ${JSON.stringify(got.stdout)} ${got.stderr}`);
        if (ok) lostAfterSuccess++;
      }
    }
    const total = WORKERS * WRITES_PER_WORKER;
    console.log(
      `concurrent writers: ${total} writes, ${failed.length} failed, ${lost.length} of ${expected.size} keys lost or stale ` +
        `(${lostAfterSuccess} of them after printing success)`,
    );
    expect(failed.map((f) => f.stderr)).toEqual([]);
    expect(lost).toEqual([]);
  }, 300_000);
});
