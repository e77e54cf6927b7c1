// `meshroom pull acme` / `meshroom publish acme …` with the vendor-catalog example's hooks,
// against local bare repositories standing in for Acme's catalog and a contributor's fork.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatalogWorld, EXAMPLE, assertBuilt, git, meshroom, ok } from "./helpers.js";

let w: CatalogWorld;
let soc: string;
let env: Record<string, string>;

/** Files under products/, relative to the project, sorted. */
function productFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (!e.name.startsWith(".")) out.push(r);
    }
  };
  walk("products");
  return out.sort();
}

beforeAll(async () => {
  assertBuilt();
  w = new CatalogWorld();
  env = { ACME_CATALOG_URL: w.catalog };
  soc = await w.project("soc");
  await ok(soc, ["import-products", w.catalog, "--only", "acme"]);
  await ok(soc, ["trust", "acme"]); // imported code runs once trusted (test/security/untrusted-catalog-code.test.ts)
});

/** Trusts what a pull changed (it names the products), as a user would after reviewing them. */
async function trustPulled(r: { stderr: string }): Promise<void> {
  const m = /run `meshroom trust ([^`]+)`/.exec(r.stderr);
  if (m) await ok(soc, ["trust", ...m[1]!.split(" ")]);
}
afterAll(() => w?.dispose());

describe("pull", () => {
  it("imports the catalog's 3 products and 4 integrations with their hook files", async () => {
    const r = await ok(soc, ["pull", "acme"], env);
    expect(r.stdout).toContain("3 products and 4 integrations");
    expect(r.stderr).toContain("then run `meshroom trust acme fortigate suricata`");
    await trustPulled(r);
    const expected = [
      "products/acme/definition.yaml",
      "products/acme/integrations/fortigate/deny_trigger.ts",
      "products/acme/integrations/fortigate/deny_trigger.yaml",
      "products/acme/integrations/suricata/events_consumer.ts",
      "products/acme/integrations/suricata/events_consumer.yaml",
      "products/fortigate/definition.yaml",
      "products/fortigate/integrations/acme/deny_executor.ts",
      "products/fortigate/integrations/acme/deny_executor.yaml",
      "products/suricata/definition.yaml",
      "products/suricata/integrations/acme/events_producer.yaml",
    ];
    expect(productFiles(soc).filter((f) => !f.endsWith("catalog.ts"))).toEqual(expected);
    // copied verbatim (comments kept), and reported as created
    expect(readFileSync(join(soc, "products/fortigate/definition.yaml"), "utf8")).toBe(readFileSync(join(EXAMPLE, "products/fortigate/definition.yaml"), "utf8"));
    expect(r.stdout).toContain("created products/suricata/definition.yaml");
    expect(r.stdout).toContain("created products/fortigate/integrations/acme/deny_executor.ts");
    const v = await ok(soc, ["validate"]);
    expect(v.stdout).toContain("3 products, 4 explicit integrations");
  });

  it("a second pull changes nothing", async () => {
    const before = productFiles(soc).map((f) => readFileSync(join(soc, f), "utf8"));
    const r = await ok(soc, ["pull", "acme"], env);
    expect(r.stdout).toContain("No files changed.");
    expect(r.stdout).not.toMatch(/created|updated/);
    expect(productFiles(soc).map((f) => readFileSync(join(soc, f), "utf8"))).toEqual(before);
  });

  it("updates a file changed upstream, and reports (but keeps) a product removed upstream", async () => {
    const def = join(w.checkout, "products/suricata/definition.yaml");
    const text = readFileSync(def, "utf8").replace("Network intrusion detection", "Network IDS and NSM");
    await import("node:fs").then((fs) => fs.writeFileSync(def, text));
    rmSync(join(w.checkout, "products/fortigate"), { recursive: true });
    rmSync(join(w.checkout, "products/acme/integrations/fortigate"), { recursive: true });
    w.commitCatalog("suricata: new description; drop fortigate");

    const r = await ok(soc, ["pull", "acme"], env);
    await trustPulled(r);
    expect(r.stdout).toContain("updated products/suricata/definition.yaml");
    expect(r.stdout).toContain("2 products and 2 integrations");
    expect(r.stderr).toContain("catalog no longer has product fortigate; kept locally");
    expect(r.stderr).toContain("catalog no longer has integration products/acme/integrations/fortigate/deny_trigger.yaml; kept locally");
    expect(existsSync(join(soc, "products/fortigate/definition.yaml"))).toBe(true);
    expect(existsSync(join(soc, "products/acme/integrations/fortigate/deny_trigger.yaml"))).toBe(true);
    expect(readFileSync(join(soc, "products/suricata/definition.yaml"), "utf8")).toBe(text);

    // still said at the next pull, which writes nothing
    const again = await ok(soc, ["pull", "acme"], env);
    expect(again.stdout).toContain("No files changed.");
    expect(again.stderr).toContain("catalog no longer has product fortigate; kept locally");
  });

  it("fails with a clear error when the catalog cannot be found", async () => {
    const other = await w.project("soc_missing");
    await ok(other, ["import-products", w.catalog, "--only", "acme"]);
    await ok(other, ["trust", "acme"]);
    const r = await meshroom(other, ["pull", "acme"], { ACME_CATALOG_URL: w.path("nowhere.git") });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`git remote ${w.path("nowhere.git")} not found`);
    const none = await meshroom(other, ["pull", "acme"], { ACME_CATALOG_URL: "" });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain("set ACME_CATALOG_URL");
  });
});

describe("publish", () => {
  const BRANCH = "meshroom/acme-myedr-search_threat-trigger";
  let fork: string;

  beforeAll(async () => {
    fork = w.fork();
    await ok(soc, ["create", "product", "myedr", "--from", "edr"]);
    await ok(soc, ["create", "integration", "acme", "myedr", "search_threat", "trigger"]);
  });

  it("pushes a branch with exactly the integration's YAML and hook file, and says where", async () => {
    // the scaffold hook of acme wrote the setup hook next to the integration
    expect(existsSync(join(soc, "products/acme/integrations/myedr/search_threat_trigger.ts"))).toBe(true);
    const r = await ok(soc, ["publish", "acme", "myedr", "search_threat", "trigger"], { ...env, ACME_PUBLISH_URL: fork });
    const json = r.stdout.slice(r.stdout.indexOf("{"));
    const value = JSON.parse(json) as { remote: string; branch: string; commit: string; files: string[] };
    expect(value.remote).toBe(fork);
    expect(value.branch).toBe(BRANCH);
    expect(value.files).toEqual(["products/acme/integrations/myedr/search_threat_trigger.ts", "products/acme/integrations/myedr/search_threat_trigger.yaml"]);

    expect(git(["rev-parse", BRANCH], fork)).toBe(value.commit);
    expect(git(["diff", "--name-only", "main", BRANCH], fork).split("\n")).toEqual(value.files);
    const log = git(["log", "--format=%s", `main..${BRANCH}`], fork);
    expect(log).toBe("Add integration acme → myedr: search_threat (trigger)");
    expect(git(["show", `${BRANCH}:products/acme/integrations/myedr/search_threat_trigger.yaml`], fork))
      .toBe(readFileSync(join(soc, "products/acme/integrations/myedr/search_threat_trigger.yaml"), "utf8").replace(/\n$/, ""));
    // the catalog itself is untouched
    expect(git(["branch", "--list", BRANCH], w.catalog)).toBe("");
  });

  it("fails with exit 1 and a clear message when the remote does not exist", async () => {
    const missing = w.path("no-such-fork.git");
    const r = await meshroom(soc, ["publish", "acme", "myedr", "search_threat", "trigger"], { ...env, ACME_PUBLISH_URL: missing });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`git remote ${missing} not found`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });
});
