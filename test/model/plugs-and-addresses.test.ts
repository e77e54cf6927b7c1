import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MODES, instanceAddress, parseAddress, parsePlugFileName, plugAddress, plugFileStem, resourceTypeOf,
} from "../../src/model/index.js";

describe("plug file names", () => {
  it("reads <topic>[_pull].yaml and .yml", () => {
    expect(parsePlugFileName("events.yaml")).toEqual({ topic: "events", mode: "push" });
    expect(parsePlugFileName("events_pull.yaml")).toEqual({ topic: "events", mode: "pull" });
    expect(parsePlugFileName("events_pull.yml")).toEqual({ topic: "events", mode: "pull" });
    expect(parsePlugFileName("detection_rules.yaml")).toEqual({ topic: "detection_rules", mode: "push" });
    expect(parsePlugFileName("detection_rules_pull.yaml")).toEqual({ topic: "detection_rules", mode: "pull" });
  });
  it("refuses names that are not YAML plug files", () => {
    for (const f of ["events", "events.json", ".yaml", "_pull.yaml", "events.yaml.bak"]) expect(parsePlugFileName(f), f).toBeUndefined();
  });
  it("writes the stem with _pull only for pull", () => {
    expect(plugFileStem("events", "push")).toBe("events");
    expect(plugFileStem("events", "pull")).toBe("events_pull");
  });
  it("round-trips for generated topics", () => {
    const topic = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.]{0,15}$/).filter((t) => !t.includes(".."));
    fc.assert(
      fc.property(topic, fc.constantFrom(...MODES), fc.constantFrom(".yaml", ".yml"), (t, m, ext) => {
        // a push topic that itself ends in `_pull` cannot be told apart from a pull plug
        fc.pre(!t.endsWith("_pull"));
        expect(parsePlugFileName(plugFileStem(t, m) + ext)).toEqual({ topic: t, mode: m });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("resource addresses", () => {
  it("formats instance and plug addresses", () => {
    expect(instanceAddress("sekoia")).toBe("instance.sekoia");
    expect(plugAddress("edr", "siem", "events", "pull")).toBe("plug.edr.siem.events.pull");
  });
  it("parses them back", () => {
    expect(parseAddress("instance.sekoia")).toEqual({ type: "meshroom_instance", name: "sekoia" });
    expect(parseAddress("plug.edr.siem.events.push")).toEqual({ type: "meshroom_plug", src: "edr", dst: "siem", topic: "events", mode: "push" });
    expect(resourceTypeOf("instance.a")).toBe("meshroom_instance");
    expect(resourceTypeOf("plug.a.b.c.push")).toBe("meshroom_plug");
    expect(resourceTypeOf("module.x")).toBeUndefined();
  });
  it("refuses malformed addresses", () => {
    for (const a of ["", "instance.", "plug.a.b.c", "plug.a.b.c.sideways", "plug.a..c.push", "plug.a.b.push", "thing.x", "plug.a.b.c.d.push"]) {
      expect(parseAddress(a), a).toBeUndefined();
    }
  });
  it("splits dotted instance names when the caller knows them", () => {
    const names = new Set(["edr.eu", "siem.prod"]);
    expect(parseAddress("plug.edr.eu.siem.prod.events.pull", names)).toEqual({
      type: "meshroom_plug", src: "edr.eu", dst: "siem.prod", topic: "events", mode: "pull",
    });
    expect(parseAddress("plug.edr.eu.siem.prod.ocsf.events.push", names)).toEqual({
      type: "meshroom_plug", src: "edr.eu", dst: "siem.prod", topic: "ocsf.events", mode: "push",
    });
    expect(parseAddress("instance.edr.eu", names)).toEqual({ type: "meshroom_instance", name: "edr.eu" });
  });
  it("round-trips generated dotted names when given the instance names", () => {
    const seg = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_]{0,5}$/);
    const dotted = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join("."));
    fc.assert(
      fc.property(dotted, dotted, dotted, fc.constantFrom(...MODES), (src, dst, topic, mode) => {
        const names = new Set([src, dst]);
        const parsed = parseAddress(plugAddress(src, dst, topic, mode), names);
        // ambiguous when one name is a dotted prefix of another; the parse must still rebuild the address
        expect(parsed?.type).toBe("meshroom_plug");
        if (parsed?.type === "meshroom_plug") expect(plugAddress(parsed.src, parsed.dst, parsed.topic, parsed.mode)).toBe(plugAddress(src, dst, topic, mode));
        if (!src.includes(".") && !dst.includes(".") && !topic.includes(".")) expect(parsed).toEqual({ type: "meshroom_plug", src, dst, topic, mode });
      }),
      { numRuns: 2000 },
    );
  });
});
