import { symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findHookFiles } from "../../src/project/hook-files.js";
import { loadProject } from "../../src/project/load.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject } from "./helpers.js";

const HOOK = "export {};\n";

function project(): string {
  const root = makeProject({
    "products/myedr/definition.yaml": EDR_DEFINITION,
    "products/myedr/hooks.ts": HOOK,
    "products/myedr/more.mjs": HOOK,
    "products/myedr/types.d.ts": "export {};\n",
    "products/myedr/types.d.mts": "export {};\n",
    "products/myedr/notes.md": "not a hook\n",
    "products/mysiem/definition.yaml": SIEM_DEFINITION,
    "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "{}\n",
    "products/myedr/integrations/mysiem/events_producer_ecs.ts": HOOK,
    // a second hook file for the same integration: only the first (in name order) is loaded
    "products/myedr/integrations/mysiem/events_producer_ecs.js": HOOK,
    // no integration file next to it
    "products/myedr/integrations/mysiem/iocs_consumer.ts": HOOK,
    // not an integration name at all
    "products/myedr/integrations/mysiem/helpers.ts": HOOK,
    "products/myedr/integrations/mysiem/alerts_producer_pull.yml": "{}\n",
    "products/myedr/integrations/mysiem/alerts_producer_pull.mts": HOOK,
  });
  symlinkSync(join(root, "products/myedr/hooks.ts"), join(root, "products/myedr/linked.ts"));
  return root;
}

const shown = (root: string, files: Iterable<string>) => [...files].map((f) => relative(root, f));

describe("hook files of a project", () => {
  it("product-wide files: .ts .mts .js .mjs (symlinks too), never declarations", async () => {
    const root = project();
    const { hookFiles } = await loadProject(root);
    expect(shown(root, hookFiles.products.get("myedr")!)).toEqual(["products/myedr/hooks.ts", "products/myedr/linked.ts", "products/myedr/more.mjs"]);
    expect(hookFiles.products.get("mysiem")).toEqual([]);
  });

  it("integration files next to their integration file, with the key read from the name; the rest ignored with a reason", async () => {
    const root = project();
    const p = await loadProject(root);
    expect(p.hookFiles.integrations.map((h) => ({ ...h, file: relative(root, h.file) }))).toEqual([
      { product: "myedr", target: "mysiem", key: { topic: "alerts", role: "producer", mode: "pull" }, file: "products/myedr/integrations/mysiem/alerts_producer_pull.mts" },
      { product: "myedr", target: "mysiem", key: { topic: "events", role: "producer", mode: "push", format: "ecs" }, file: "products/myedr/integrations/mysiem/events_producer_ecs.js" },
    ]);
    const ignored = Object.fromEntries(p.hookFiles.ignored.map((i) => [relative(root, i.file), i.reason]));
    expect(Object.keys(ignored).sort()).toEqual([
      "products/myedr/integrations/mysiem/events_producer_ecs.ts",
      "products/myedr/integrations/mysiem/helpers.ts",
      "products/myedr/integrations/mysiem/iocs_consumer.ts",
    ]);
    expect(ignored["products/myedr/integrations/mysiem/events_producer_ecs.ts"]).toMatch(/already has its hook file events_producer_ecs\.js/);
    expect(ignored["products/myedr/integrations/mysiem/iocs_consumer.ts"]).toMatch(/not next to an integration file \(iocs_consumer\.yaml/);
    // each integration knows its own hook file
    const byTopic = Object.fromEntries(p.integrations.map((i) => [i.topic, i.hooksFile && relative(root, i.hooksFile)]));
    expect(byTopic).toEqual({ alerts: "products/myedr/integrations/mysiem/alerts_producer_pull.mts", events: "products/myedr/integrations/mysiem/events_producer_ecs.js" });
  });

  it("a walk of the folders (no loaded project) finds exactly what the loader found", async () => {
    const root = project();
    const p = await loadProject(root);
    const walked = findHookFiles([...p.products.values()]);
    expect(walked).toEqual(p.hookFiles);
  });
});
