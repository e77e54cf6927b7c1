import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProjectWithDiagnostics } from "../../src/project/load.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject, snapshotDir } from "./helpers.js";

const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, MESHROOM_NO_CACHE: process.env.MESHROOM_NO_CACHE };
let cacheHome: string;

beforeAll(() => {
  cacheHome = mkdtempSync(join(tmpdir(), "mr-cache-"));
  process.env.XDG_CACHE_HOME = cacheHome;
  delete process.env.MESHROOM_NO_CACHE;
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(cacheHome, { recursive: true, force: true });
});

const files = () => ({
  "meshroom.yaml": "name: cached\n",
  "products/myedr/definition.yaml": EDR_DEFINITION,
  "products/mysiem/definition.yaml": SIEM_DEFINITION,
  "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "topic: events\nrole: producer\nformat: ecs\ndescription: first\n",
  "instances/myedr/edr1/config.yaml": "settings:\n  API_URL: https://edr\n  port: 9000\n",
  "instances/mysiem/siem1/config.yaml": "settings: {}\n",
  "instances/myedr/edr1/plugs/siem1/events.yaml": "kind: data\nowner: both\nformat: ecs\n",
});

/** A project whose files and folders were last changed a minute ago (fresh ones are never cached). */
function settledProject(): string {
  const root = makeProject(files());
  const past = new Date(Date.now() - 60_000);
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) utimesSync(join(e.parentPath, e.name), past, past);
  utimesSync(root, past, past);
  return root;
}

describe("the manifest cache", () => {
  it("does not remember files changed in the last moments (timestamps are coarse)", async () => {
    const own = mkdtempSync(join(tmpdir(), "mr-cache-fresh-"));
    process.env.XDG_CACHE_HOME = own;
    try {
      await loadProjectWithDiagnostics(makeProject(files()));
      expect(existsSync(join(own, "meshroom"))).toBe(false);
    } finally {
      process.env.XDG_CACHE_HOME = cacheHome;
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("is written in the user's cache dir, never in the project, and gives the same project back", async () => {
    const root = settledProject();
    const before = snapshotDir(root);
    const first = await loadProjectWithDiagnostics(root);
    expect(first.diagnostics).toEqual([]);
    expect(snapshotDir(root)).toEqual(before);
    expect(readdirSync(join(cacheHome, "meshroom", "manifests")).length).toBeGreaterThan(0);
    const second = await loadProjectWithDiagnostics(root);
    expect(second.diagnostics).toEqual([]);
    expect([...second.project.products.values()].map((p) => [p.name, p.capabilities])).toEqual(
      [...first.project.products.values()].map((p) => [p.name, p.capabilities]),
    );
    expect(second.project.integrations.map((i) => i.description)).toEqual(["first"]);
  });

  it("serves every kind of manifest: project file, definitions, integrations, instances and plugs", async () => {
    const root = settledProject();
    const first = await loadProjectWithDiagnostics(root);
    expect(first.diagnostics).toEqual([]);
    const dir = join(cacheHome, "meshroom", "manifests");
    const kinds = readdirSync(dir).flatMap((f) =>
      Object.values((JSON.parse(readFileSync(join(dir, f), "utf8")) as { entries: Record<string, { kind: string }> }).entries).map((e) => e.kind));
    expect(new Set(kinds)).toEqual(new Set(["project", "product", "integration", "instance", "plug"]));
    const second = await loadProjectWithDiagnostics(root);
    expect(second.project.settings).toEqual({ name: "cached" });
    expect(second.project.instances).toEqual(first.project.instances);
    expect(second.project.plugs).toEqual(first.project.plugs);
  });

  it("checks a cached instance against its product's definition on every load, pointing at the line", async () => {
    const root = settledProject();
    expect((await loadProjectWithDiagnostics(root)).diagnostics).toEqual([]);
    // the definition changes, the instance file does not (it stays a cache hit)
    writeFileSync(join(root, "products/myedr/definition.yaml"), EDR_DEFINITION.replace("  - { name: port, type: integer, default: 8443 }\n", ""));
    const d = (await loadProjectWithDiagnostics(root)).diagnostics.find((x) => x.location?.file === "instances/myedr/edr1/config.yaml");
    expect(d?.summary).toMatch(/unknown setting "port"/);
    expect(d?.location).toMatchObject({ line: 3, column: 9, field: "settings.port" });
  });

  it("sees an edited plug file at once", async () => {
    const root = settledProject();
    expect((await loadProjectWithDiagnostics(root)).project.plugs[0]!.owner).toBe("both");
    writeFileSync(join(root, "instances/myedr/edr1/plugs/siem1/events.yaml"), "kind: data\nowner: edr1\nformat: ecs\n");
    expect((await loadProjectWithDiagnostics(root)).project.plugs[0]!.owner).toBe("edr1");
  });

  it("sees a file added to or removed from a cached project, even with every mtime put back", async () => {
    const root = settledProject();
    const dir = join(root, "products/myedr/integrations/mysiem");
    expect((await loadProjectWithDiagnostics(root)).project.integrations.map((i) => i.topic)).toEqual(["events"]);
    // a new integration file, with its mtime and the folder's set back as `rsync -a` or `tar x` would do
    const past = new Date(Date.now() - 60_000);
    writeFileSync(join(dir, "alerts_producer.yaml"), "{}\n");
    utimesSync(join(dir, "alerts_producer.yaml"), past, past);
    utimesSync(dir, past, past);
    expect((await loadProjectWithDiagnostics(root)).project.integrations.map((i) => i.topic)).toEqual(["alerts", "events"]);
    rmSync(join(dir, "alerts_producer.yaml"));
    utimesSync(dir, past, past);
    expect((await loadProjectWithDiagnostics(root)).project.integrations.map((i) => i.topic)).toEqual(["events"]);
  });

  it("keeps folder listings while the folders are unchanged, and sees an entry added, renamed or removed with every mtime put back", async () => {
    const root = settledProject();
    const plugsOf = async () => (await loadProjectWithDiagnostics(root)).project.plugs.map((p) => `${p.src}>${p.dst}:${p.topic}:${p.mode}`);
    expect(await plugsOf()).toEqual(["edr1>siem1:events:push"]);
    const cacheFile = readdirSync(join(cacheHome, "meshroom", "manifests")).map((f) => join(cacheHome, "meshroom", "manifests", f))
      .find((f) => readFileSync(f, "utf8").includes(root))!;
    const dirs = (JSON.parse(readFileSync(cacheFile, "utf8")) as { dirs: Record<string, unknown> }).dirs;
    expect(dirs[join(root, "instances/myedr/edr1/plugs/siem1")]).toEqual({ id: expect.any(String), entries: ["fevents.yaml"] });
    expect(await plugsOf()).toEqual(["edr1>siem1:events:push"]); // served from the listing cache

    const past = new Date(Date.now() - 60_000);
    const folder = join(root, "instances/myedr/edr1/plugs/siem1");
    const putBack = (...paths: string[]) => paths.forEach((p) => utimesSync(p, past, past));
    writeFileSync(join(folder, "alerts_pull.yaml"), "kind: data\nowner: both\n");
    putBack(join(folder, "alerts_pull.yaml"), folder);
    expect(await plugsOf()).toEqual(["edr1>siem1:alerts:pull", "edr1>siem1:events:push"]);
    renameSync(join(folder, "alerts_pull.yaml"), join(folder, "alerts.yaml"));
    putBack(folder);
    expect(await plugsOf()).toEqual(["edr1>siem1:alerts:push", "edr1>siem1:events:push"]);
    rmSync(join(folder, "alerts.yaml"));
    putBack(folder);
    expect(await plugsOf()).toEqual(["edr1>siem1:events:push"]);
    // a new destination folder, in a plugs folder put back too
    mkdirSync(join(root, "instances/myedr/edr1/plugs/edr1"));
    writeFileSync(join(root, "instances/myedr/edr1/plugs/edr1/events.yaml"), "kind: data\nowner: both\nformat: ecs\n");
    putBack(join(root, "instances/myedr/edr1/plugs/edr1/events.yaml"), join(root, "instances/myedr/edr1/plugs/edr1"), join(root, "instances/myedr/edr1/plugs"));
    expect(await plugsOf()).toEqual(["edr1>edr1:events:push", "edr1>siem1:events:push"]);
  });

  it("does not keep a listing holding a symbolic link (what it points at may change alone)", async () => {
    const root = settledProject();
    const folder = join(root, "instances/myedr/edr1/plugs/siem1");
    const target = join(root, "instances/myedr/edr1/alerts-plug.yaml");
    writeFileSync(target, "kind: data\nowner: both\n");
    symlinkSync(target, join(folder, "alerts.yaml"));
    const past = new Date(Date.now() - 60_000);
    utimesSync(folder, past, past);
    const topics = async () => (await loadProjectWithDiagnostics(root)).project.plugs.map((p) => p.topic);
    expect(await topics()).toEqual(["alerts", "events"]);
    // the link now points at nothing: the folder itself is unchanged
    rmSync(target);
    expect(await topics()).toEqual(["events"]);
  });

  it("sees an edited file at once, even with the same size", async () => {
    const root = settledProject();
    const file = join(root, "products/myedr/integrations/mysiem/events_producer_ecs.yaml");
    expect((await loadProjectWithDiagnostics(root)).project.integrations[0]!.description).toBe("first");
    writeFileSync(file, "topic: events\nrole: producer\nformat: ecs\ndescription: other\n");
    expect((await loadProjectWithDiagnostics(root)).project.integrations[0]!.description).toBe("other");
  });

  it("a cached file that becomes invalid is reported with its line and column", async () => {
    const root = settledProject();
    await loadProjectWithDiagnostics(root);
    writeFileSync(join(root, "products/mysiem/definition.yaml"), `${SIEM_DEFINITION}\nbogus_field: 1\n`);
    const d = (await loadProjectWithDiagnostics(root)).diagnostics.find((x) => x.location?.file === "products/mysiem/definition.yaml");
    expect(d?.summary).toMatch(/unknown field/);
    expect(d?.location?.line).toBeGreaterThan(1);
  });

  it("a cache written by another build of meshroom is not read: the files are parsed again", async () => {
    const root = settledProject();
    await loadProjectWithDiagnostics(root);
    const dir = join(cacheHome, "meshroom", "manifests");
    for (const f of readdirSync(dir)) {
      const doc = JSON.parse(readFileSync(join(dir, f), "utf8")) as { version: string; entries: Record<string, { value: unknown }> };
      doc.version = "0.0.0-other-build";
      for (const e of Object.values(doc.entries)) e.value = { role: 42, produces: "not a map" };
      writeFileSync(join(dir, f), JSON.stringify(doc));
    }
    const again = await loadProjectWithDiagnostics(root);
    expect(again.diagnostics).toEqual([]);
    expect(again.project.integrations.map((i) => i.description)).toEqual(["first"]);
    expect(again.project.products.get("myedr")?.capabilities.length).toBeGreaterThan(0);
  });

  it("an unreadable cache file is ignored", async () => {
    const root = settledProject();
    await loadProjectWithDiagnostics(root);
    const dir = join(cacheHome, "meshroom", "manifests");
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), "{ not json");
    const again = await loadProjectWithDiagnostics(root);
    expect(again.diagnostics).toEqual([]);
    expect(again.project.integrations.map((i) => i.description)).toEqual(["first"]);
  });

  it("MESHROOM_NO_CACHE=1 writes no cache", async () => {
    const own = mkdtempSync(join(tmpdir(), "mr-cache-off-"));
    process.env.XDG_CACHE_HOME = own;
    process.env.MESHROOM_NO_CACHE = "1";
    try {
      await loadProjectWithDiagnostics(settledProject());
      expect(existsSync(join(own, "meshroom"))).toBe(false);
    } finally {
      process.env.XDG_CACHE_HOME = cacheHome;
      delete process.env.MESHROOM_NO_CACHE;
      rmSync(own, { recursive: true, force: true });
    }
  });
});
