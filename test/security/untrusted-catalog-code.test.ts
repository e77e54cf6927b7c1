// Attack: catalog code runs before anyone reviews it. Listing and validating commands import
// every hook file, and importing runs its top level: after `meshroom import-products CATALOG`
// the first `list integrations` ran the catalog's code (and a CI job validating a pull request
// ran the request's code). Code from outside must wait for `meshroom trust`, recorded in meshroom.lock.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { initProject, meshroom, ok, tempDir } from "../cli/helpers.js";

vi.setConfig({ testTimeout: 120_000 });

/** A hook file whose top level appends TAG to MARKER: a line in MARKER means the file was imported. */
function markingHook(marker: string, tag: string): string {
  return `import { appendFileSync } from "node:fs";
import { setupProducer } from "meshroom/hooks";
appendFileSync(${JSON.stringify(marker)}, ${JSON.stringify(tag)} + "\\n");
setupProducer(async () => ({ outputs: {} }), { title: "setup" });
`;
}

const ran = (marker: string): string[] => (existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean) : []);

/** A catalog (a meshroom project) with product `vendor` whose product-wide and integration hook files mark when imported. */
async function catalog(marker: string): Promise<string> {
  const root = await initProject();
  await ok(["create", "product", "vendor", "-p", root]);
  writeFileSync(join(root, "products/vendor/definition.yaml"), "name: vendor\nproduces:\n  events: [{}]\n");
  writeFileSync(join(root, "products/vendor/hooks.ts"), markingHook(marker, "vendor/hooks.ts"));
  mkdirSync(join(root, "products/vendor/integrations/siem"), { recursive: true });
  writeFileSync(join(root, "products/vendor/integrations/siem/events_producer.yaml"), "topic: events\nrole: producer\n");
  writeFileSync(join(root, "products/vendor/integrations/siem/events_producer.ts"), markingHook(marker, "vendor/integrations/siem/events_producer.ts"));
  return root;
}

/** A project with its own product `siem` (consumes events; its starter hooks.ts) that imported `vendor` from CATALOG. */
async function importedProject(marker: string): Promise<{ root: string; from: string }> {
  const from = await catalog(marker);
  const root = await initProject();
  await ok(["create", "product", "siem", "-p", root]);
  writeFileSync(join(root, "products/siem/definition.yaml"), "name: siem\nconsumes:\n  events: [{}]\n");
  await ok(["import-products", from, "-p", root]);
  return { root, from };
}

function lock(root: string): { version: number; products: Record<string, { source?: string; files?: Record<string, string> }> } {
  return JSON.parse(readFileSync(join(root, "meshroom.lock"), "utf8"));
}

describe("untrusted catalog code", () => {
  it("import-products records the product's origin; listing, validating, graphing and planning do not run its code", async () => {
    const marker = join(tempDir("mr-marker-"), "ran");
    const { root, from } = await importedProject(marker);
    // each command alone: none may import the catalog's hook files
    for (const args of [["list", "integrations"], ["validate"], ["validate", "--no-hooks"], ["graph", "--capabilities"], ["list", "products", "--wide"], ["plan"]]) {
      await meshroom([...args, "-p", root]);
      expect(ran(marker), `meshroom ${args.join(" ")}`).toEqual([]);
    }
    expect(lock(root).products.vendor).toEqual({ source: from });

    const list = await ok(["list", "integrations", "-p", root]);
    expect(list.stdout).toContain("not loaded (untrusted: meshroom trust vendor)");
    expect(list.stderr).toContain(`vendor (from ${from}): never trusted`);
    const json = JSON.parse((await ok(["list", "integrations", "--json", "-p", root])).stdout) as Array<{ product: string; type: string; hooksNotLoaded?: string }>;
    // what the manifests declare is still listed
    expect(json.find((r) => r.product === "vendor" && r.type === "explicit")?.hooksNotLoaded).toBe("not loaded (untrusted: meshroom trust vendor)");

    const validate = await ok(["validate", "-p", root]);
    expect(validate.stderr).toContain("products/vendor/hooks.ts: not loaded (untrusted: meshroom trust vendor)");
    expect(validate.stderr).toContain("products/vendor/integrations/siem/events_producer.ts: not loaded (untrusted: meshroom trust vendor)");
    const noHooks = await ok(["validate", "--no-hooks", "-p", root]);
    expect(noHooks.stderr).toContain(`vendor (from ${from}): never trusted: its hook code would not run (untrusted: meshroom trust vendor)`);
    await ok(["graph", "--capabilities", "-p", root]);
    await ok(["list", "products", "--wide", "-p", root]);

    const plan = await meshroom(["plan", "-p", root]);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toContain("hook code of product vendor is not trusted");
    expect(plan.stderr).toContain("meshroom trust vendor");
    expect(ran(marker)).toEqual([]);
  });

  it("`meshroom trust` records every file's hash and shows them; then the code runs; a later change needs trust again", async () => {
    const marker = join(tempDir("mr-marker-"), "ran");
    const { root, from } = await importedProject(marker);

    const trust = await ok(["trust", "vendor", "-p", root]);
    expect(trust.stdout).toContain(`Trusted vendor (from ${from})`);
    expect(trust.stdout).toMatch(/\+ hooks\.ts\s+sha256:[0-9a-f]{12}…/);
    expect(trust.stdout).toMatch(/\+ integrations\/siem\/events_producer\.ts\s+sha256:/);
    expect(trust.stdout).toMatch(/\+ definition\.yaml\s+sha256:/);
    const files = lock(root).products.vendor?.files ?? {};
    expect(Object.keys(files)).toEqual(["definition.yaml", "hooks.ts", "integrations/siem/events_producer.ts", "integrations/siem/events_producer.yaml"]);
    const text = readFileSync(join(root, "meshroom.lock"), "utf8");
    await ok(["trust", "vendor", "-p", root]); // nothing changed: the file stays byte for byte
    expect(readFileSync(join(root, "meshroom.lock"), "utf8")).toBe(text);

    await ok(["list", "integrations", "-p", root]);
    expect(ran(marker).sort()).toEqual(["vendor/hooks.ts", "vendor/integrations/siem/events_producer.ts"]);

    // a teammate's commit (or a new import) changes the hook file: it is not run until trusted again
    rmSync(marker);
    appendFileSync(join(root, "products/vendor/hooks.ts"), "// changed upstream\n");
    const list = await ok(["list", "integrations", "-p", root]);
    expect(list.stderr).toContain(`vendor (from ${from}): changed since last trusted (hooks.ts changed)`);
    const plan = await meshroom(["plan", "-p", root]);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toContain("meshroom trust vendor");
    expect(ran(marker)).toEqual([]);

    const again = JSON.parse((await ok(["trust", "vendor", "--json", "-p", root])).stdout) as { products: Array<{ changes: Array<{ file: string; change: string }> }> };
    expect(again.products[0]?.changes.map((c) => `${c.change} ${c.file}`)).toEqual(["changed hooks.ts"]);
    await ok(["plan", "-p", root]);
    expect(ran(marker).length).toBeGreaterThan(0);
  });

  it("refuses to trust a product the project does not have", async () => {
    const root = await initProject();
    const r = await meshroom(["trust", "nope", "-p", root]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no product nope in this project; nothing was trusted");
    expect(existsSync(join(root, "meshroom.lock"))).toBe(false);
  });

  it("`validate --no-hooks` imports no hook file at all, the project's own included", async () => {
    const marker = join(tempDir("mr-marker-"), "ran");
    const root = await initProject();
    await ok(["create", "product", "edr", "-p", root]);
    writeFileSync(join(root, "products/edr/hooks.ts"), markingHook(marker, "edr/hooks.ts"));
    const r = await ok(["validate", "--no-hooks", "-p", root]);
    expect(r.stdout).toContain("hook files not loaded (--no-hooks)");
    expect(ran(marker)).toEqual([]);
    await ok(["validate", "-p", root]); // own code runs as before
    expect(ran(marker)).toEqual(["edr/hooks.ts"]);
  });

  it("`trust: all` locks the project's own products too", async () => {
    const marker = join(tempDir("mr-marker-"), "ran");
    const root = await initProject();
    await ok(["create", "product", "edr", "-p", root]);
    writeFileSync(join(root, "products/edr/hooks.ts"), markingHook(marker, "edr/hooks.ts"));
    appendFileSync(join(root, "meshroom.yaml"), "trust: all\n");

    const list = await ok(["list", "integrations", "-p", root]);
    expect(list.stderr).toContain("edr (locked by `trust: all`): never trusted");
    expect(ran(marker)).toEqual([]);
    const trust = await ok(["trust", "edr", "-p", root]);
    expect(trust.stdout).toMatch(/\+ hooks\.ts/);
    expect(lock(root).products.edr?.source).toBeUndefined();
    await ok(["validate", "-p", root]);
    expect(ran(marker)).toEqual(["edr/hooks.ts"]);
  });

  it("what a `pull` hook writes under products/ is recorded as pulled and not run until trusted", async () => {
    const marker = join(tempDir("mr-marker-"), "ran");
    const root = await initProject();
    await ok(["create", "product", "puller", "-p", root]);
    const pulled = join(root, "products/pulled");
    writeFileSync(join(root, "products/puller/hooks.ts"), `import { mkdirSync, writeFileSync } from "node:fs";
import { pull } from "meshroom/hooks";
pull(async () => {
  mkdirSync(${JSON.stringify(pulled)}, { recursive: true });
  writeFileSync(${JSON.stringify(join(pulled, "definition.yaml"))}, "name: pulled\\n");
  writeFileSync(${JSON.stringify(join(pulled, "hooks.ts"))}, ${JSON.stringify(markingHook(marker, "pulled/hooks.ts"))});
});
`);
    await ok(["pull", "puller", "-p", root]);
    expect(lock(root).products.pulled).toEqual({ source: "meshroom pull puller" });
    await ok(["validate", "-p", root]);
    expect(ran(marker)).toEqual([]);
    await ok(["trust", "pulled", "-p", root]);
    await ok(["validate", "-p", root]);
    expect(ran(marker)).toEqual(["pulled/hooks.ts"]);
  });
});
