// Shared setup of the secrets-store security tests: a real project (built CLI) with a test
// key as recipient and MESHROOM_GPG_KEY pointing to its private half.
import { writeFileSync } from "node:fs";
import { E2EProject } from "../e2e/helpers.js";
import { makeKey, type TestKey } from "../secrets/helpers.js";

let key: Promise<TestKey> | undefined;

/** One unprotected key per test file (making keys is the slow part). */
export function testKey(): Promise<TestKey> {
  return (key ??= makeKey("Sec"));
}

/** The env that lets the CLI decrypt the project's store with `k`. */
export function keyEnvFor(p: E2EProject, k: TestKey): Record<string, string> {
  const file = p.path("../sec.key.asc");
  writeFileSync(file, k.privateArmored, { mode: 0o600 });
  return { MESHROOM_GPG_KEY: file, XDG_CONFIG_HOME: p.path("../xdg") };
}

/** Makes `k` a recipient of the project (what `secrets init` / `secrets recipients add` do). */
export function addRecipient(p: E2EProject, k: TestKey): void {
  p.write("recipients/sec.asc", k.publicArmored);
}

/** Polls until `p.exists(rel)`, or fails after `ms` (a test guard, not an assertion on timing). */
export async function waitForFile(p: E2EProject, rel: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!p.exists(rel)) {
    if (Date.now() > end) throw new Error(`${rel} did not appear within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Hook-file snippet: resolves once `file` exists (the test's "go"), polling every 50ms. */
export function waitForFileJs(file: string): string {
  return `await new Promise<void>((resolve) => { const t = setInterval(() => { if (existsSync(${JSON.stringify(file)})) { clearInterval(t); resolve(); } }, 50); });`;
}
