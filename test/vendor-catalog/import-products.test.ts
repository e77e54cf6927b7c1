// `meshroom import-products DIR|GIT_URL [--only …] [--force]`: from another meshroom project
// (a folder) and from a bare git repository, with identical, new and conflicting products.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatalogWorld, EXAMPLE, assertBuilt, meshroom, ok } from "./helpers.js";

let w: CatalogWorld;
beforeAll(() => {
  assertBuilt();
  w = new CatalogWorld();
});
afterAll(() => w?.dispose());

describe("import-products", () => {
  it("copies every product of a meshroom project folder, hook files and integrations included", async () => {
    const p = await w.project("from_dir");
    const r = await ok(p, ["import-products", EXAMPLE]);
    expect(r.stdout).toContain(`Imported from ${EXAMPLE}:`);
    expect(r.stdout).toMatch(/created\s+products\/acme \(6 files\)/);
    expect(r.stdout).toMatch(/created\s+products\/fortigate \(3 files\)/);
    expect(r.stdout).toMatch(/created\s+products\/suricata \(2 files\)/);
    for (const f of ["products/acme/catalog.ts", "products/acme/integrations/fortigate/deny_trigger.ts", "products/suricata/integrations/acme/events_producer.yaml"]) {
      expect(readFileSync(join(p, f), "utf8")).toBe(readFileSync(join(EXAMPLE, f), "utf8"));
    }
    expect((await ok(p, ["validate"])).stdout).toContain("3 products, 4 explicit integrations");
    // the same import again: nothing to do
    const again = await ok(p, ["import-products", EXAMPLE, "--json"]);
    const report = JSON.parse(again.stdout) as { products: Array<{ name: string; status: string; written: string[] }> };
    expect(report.products.map((x) => [x.name, x.status, x.written.length])).toEqual([["acme", "unchanged", 0], ["fortigate", "unchanged", 0], ["suricata", "unchanged", 0]]);
  });

  it("clones a bare repository, imports only the products asked for, and leaves out integrations towards missing products", async () => {
    const p = await w.project("from_git");
    const r = await ok(p, ["import-products", w.catalog, "--only", "acme,suricata"]);
    expect(r.stdout).toMatch(/created\s+products\/acme \(4 files\)/); // definition, catalog.ts, the suricata integration + hook
    expect(r.stdout).toMatch(/created\s+products\/suricata \(2 files\)/);
    expect(r.stdout).not.toContain("fortigate");
    expect(r.stderr).toContain("Left out integrations towards fortigate");
    expect((await ok(p, ["validate"])).stdout).toContain("2 products, 2 explicit integrations");
    // importing fortigate later brings it and acme's integration towards it
    const later = await ok(p, ["import-products", w.catalog, "--only", "fortigate", "--only", "acme"]);
    expect(later.stdout).toMatch(/updated\s+products\/acme \(2 files written\)/);
    expect(later.stdout).toMatch(/created\s+products\/fortigate/);
    expect((await ok(p, ["validate"])).stdout).toContain("3 products, 4 explicit integrations");
  });

  it("refuses a product whose local files differ, unless --force", async () => {
    const p = await w.project("conflict");
    await ok(p, ["import-products", EXAMPLE, "--only", "suricata"]);
    const def = join(p, "products/suricata/definition.yaml");
    const mine = readFileSync(def, "utf8").replace("vendor: OISF", "vendor: my team");
    writeFileSync(def, mine);

    const r = await meshroom(p, ["import-products", EXAMPLE, "--only", "suricata,fortigate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("1 file of the project differ");
    expect(r.stderr).toContain("products/suricata/definition.yaml");
    expect(r.stderr).toContain("--force");
    expect(readFileSync(def, "utf8")).toBe(mine);
    expect((await ok(p, ["list", "products"])).stdout).not.toContain("fortigate"); // nothing written

    const forced = await ok(p, ["import-products", EXAMPLE, "--only", "suricata", "--force"]);
    expect(forced.stdout).toMatch(/updated\s+products\/suricata \(1 file written, 1 overwritten\)/);
    expect(readFileSync(def, "utf8")).toBe(readFileSync(join(EXAMPLE, "products/suricata/definition.yaml"), "utf8"));
  });

  it("says what is wrong with an unknown product, a folder without products/ and a missing repository", async () => {
    const p = await w.project("errors");
    const unknown = await meshroom(p, ["import-products", EXAMPLE, "--only", "nosuch"]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("has no product nosuch");
    expect(unknown.stderr).toContain("acme, fortigate, suricata");
    const empty = await meshroom(p, ["import-products", join(p, "instances")]);
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toContain("has no products/ folder");
    const missing = await meshroom(p, ["import-products", w.path("missing.git")]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`git remote ${w.path("missing.git")} not found`);
  });
});
