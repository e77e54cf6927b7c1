import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  desiredResources, escapeName, instanceResourceId, parseDesiredDocument, parsePlugResourceId, plugResourceId, projectToDocument, unescapeName,
} from "../../src/synth/index.js";
import { loadProject } from "../../src/project/load.js";
import { basicMesh } from "../engine/fixtures.js";

const NAME = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.]{0,12}$/).filter((s) => !s.includes(".."));

describe("resource ids", () => {
  it("escape reversibly into Terraform-safe names", () => {
    fc.assert(
      fc.property(NAME, (n) => {
        const id = escapeName(n);
        expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
        expect(unescapeName(id)).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("plug ids round-trip and never collide", () => {
    fc.assert(
      fc.property(NAME, NAME, NAME, fc.constantFrom("push" as const, "pull" as const), (s, d, t, m) => {
        expect(parsePlugResourceId(plugResourceId(s, d, t, m))).toEqual({ src: s, dst: d, topic: t, mode: m });
      }),
    );
    expect(plugResourceId("a.b", "c", "t", "push")).not.toBe(plugResourceId("a", "b.c", "t", "push"));
    expect(instanceResourceId("1st.edr")).toBe("_1st_dedr");
  });
});

describe("desired document", () => {
  it("is built from a project: plugs depend on their instances, no secret values", async () => {
    const m = basicMesh();
    try {
      const doc = projectToDocument(await loadProject(m.root), { version: "t" });
      expect(doc["//"].metadata).toEqual({ backend: "meshroom", version: "t" });
      expect(doc.resource?.meshroom_instance?.siem1).toEqual({ name: "siem1", product: "siem", settings: { port: 8514 }, secret_refs: [], depends_on: [] });
      const plug = doc.resource?.meshroom_plug?.["edr1-siem1-events-push"];
      expect(plug?.depends_on).toEqual(["meshroom_instance.edr1", "meshroom_instance.siem1"]);
      expect(plug?.owner).toBe("both");
      const parsed = parseDesiredDocument(JSON.stringify(doc));
      expect(desiredResources(parsed).map((r) => [r.address, r.dependencies])).toEqual([
        ["instance.edr1", []],
        ["instance.siem1", []],
        ["plug.edr1.siem1.events.push", ["instance.edr1", "instance.siem1"]],
      ]);
    } finally {
      m.cleanup();
    }
  });

  it("refuses malformed and inconsistent documents with a readable reason", () => {
    expect(() => parseDesiredDocument("{nope")).toThrow(/not valid JSON/);
    expect(() => parseDesiredDocument({ resource: {} })).toThrow(/not a meshroom desired document/);
    const base = { "//": { metadata: { backend: "meshroom", version: "1" } } };
    const bad = parseDesiredDocument({ ...base, resource: { meshroom_instance: { wrong: { name: "a", product: "p", settings: {}, secret_refs: [] } } } });
    expect(() => desiredResources(bad)).toThrow(/inconsistent/);
    expect(() => parseDesiredDocument({ ...base, resource: { meshroom_instance: { a: { name: "a", product: "p", settings: { f: () => 1 }, secret_refs: [] } } } })).toThrow(
      /not a meshroom desired document/,
    );
  });
});
