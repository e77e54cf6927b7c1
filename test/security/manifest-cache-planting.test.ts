// Attack: parsed manifests are cached under $XDG_CACHE_HOME/meshroom/manifests and trusted as they
// were checked when remembered (no schema check on a hit). Whoever can write that folder can make
// meshroom believe a manifest the project does not hold: another hook, setting or integration.
// The cache must be read and written only in a folder that this user alone can write.
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProjectWithDiagnostics } from "../../src/project/load.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject } from "../project/helpers.js";

const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, MESHROOM_NO_CACHE: process.env.MESHROOM_NO_CACHE };
const homes: string[] = [];
beforeAll(() => delete process.env.MESHROOM_NO_CACHE);
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

/** A project whose files were last changed a minute ago (fresh files are never cached). */
function settledProject(): string {
  const root = makeProject({
    "meshroom.yaml": "name: planted\n",
    "products/myedr/definition.yaml": EDR_DEFINITION,
    "products/mysiem/definition.yaml": SIEM_DEFINITION,
    "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "topic: events\nrole: producer\nformat: ecs\ndescription: genuine\n",
  });
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) utimesSync(join(e.parentPath, e.name), past, past);
  utimesSync(root, past, past);
  return root;
}

/** Rewrites every cached integration of every cache file in DIR to say "planted". */
function plant(dir: string): void {
  for (const f of readdirSync(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, f), "utf8")) as { entries: Record<string, { kind: string; value: { description?: string } }> };
    for (const e of Object.values(doc.entries)) if (e.kind === "integration") e.value.description = "planted";
    writeFileSync(join(dir, f), JSON.stringify(doc));
  }
}

const descriptions = async (root: string) => (await loadProjectWithDiagnostics(root)).project.integrations.map((i) => i.description);

describe("the manifest cache is private", () => {
  for (const [how, open] of [
    ["a manifests folder others can write (0777)", (dir: string) => chmodSync(dir, 0o777)],
    ["a manifests folder owned by another user", (dir: string) => chownSync(dir, 65534, 65534)],
    ["a meshroom cache folder others can write, above it", (dir: string) => chmodSync(join(dir, ".."), 0o777)],
  ] as const) {
    it(`${how}: a planted entry is not believed, and nothing is written there`, async () => {
      if (how.includes("owned by") && process.getuid?.() !== 0) return; // chown needs root
      const home = mkdtempSync(join(tmpdir(), "mr-cache-plant-"));
      homes.push(home);
      process.env.XDG_CACHE_HOME = home;
      const root = settledProject();
      expect(await descriptions(root)).toEqual(["genuine"]); // writes the cache
      const dir = join(home, "meshroom", "manifests");
      plant(dir);
      // the attack works against the cache itself: a private cache serves what it holds
      expect(await descriptions(root)).toEqual(["planted"]);
      open(dir);
      const before = readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]);
      expect(await descriptions(root)).toEqual(["genuine"]);
      expect(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs])).toEqual(before);
    });
  }
});
