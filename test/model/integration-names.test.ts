import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type IntegrationKey, MODES, ROLES, integrationStem, isIntegrationFile, isValidName, parseIntegrationFileName,
} from "../../src/model/index.js";

describe("integration file names", () => {
  it.each<[string, IntegrationKey]>([
    ["events_consumer_ecs_pull.yaml", { topic: "events", role: "consumer", format: "ecs", mode: "pull" }],
    ["events_consumer_ecs_pull.yml", { topic: "events", role: "consumer", format: "ecs", mode: "pull" }],
    ["events_consumer_ecs_pull", { topic: "events", role: "consumer", format: "ecs", mode: "pull" }],
    ["events_producer.yaml", { topic: "events", role: "producer", mode: "push" }],
    ["alerts_producer_pull.yaml", { topic: "alerts", role: "producer", mode: "pull" }],
    ["threats_consumer_stix.yml", { topic: "threats", role: "consumer", format: "stix", mode: "push" }],
    ["detection_rules_producer_sigma.yaml", { topic: "detection_rules", role: "producer", format: "sigma", mode: "push" }],
    ["detection_rules_consumer_sigma_pull.yaml", { topic: "detection_rules", role: "consumer", format: "sigma", mode: "pull" }],
    ["contain_executor.yaml", { topic: "contain", role: "executor", mode: "push" }],
    ["search_trigger_openc2.yaml", { topic: "search", role: "trigger", format: "openc2", mode: "push" }],
    ["events_producer_ocsf_1_1.yaml", { topic: "events", role: "producer", format: "ocsf_1_1", mode: "push" }],
    ["events_producer_ocsf.1.1.yaml", { topic: "events", role: "producer", format: "ocsf.1.1", mode: "push" }],
    // a topic that is itself a role word is allowed as the first part
    ["producer_consumer.yaml", { topic: "producer", role: "consumer", mode: "push" }],
  ])("%s parses to its key", (file, key) => {
    expect(parseIntegrationFileName(file)).toEqual(key);
  });

  it.each([
    "events.yaml", "events_pusher.yaml", "consumer.yaml", "_consumer.yaml", "events__consumer.yaml", "events_consumer_.yaml",
    "events_consumer__pull.yaml", "", ".yaml", "my events_consumer.yaml", "events_consumer_e..cs.yaml", "ev..ents_consumer.yaml",
    "events_consumer_ecs-1.yaml",
  ])("%j is not an integration file name", (file) => {
    expect(parseIntegrationFileName(file)).toBeUndefined();
  });

  it("writes the format before the mode and omits push", () => {
    expect(integrationStem({ topic: "events", role: "consumer", format: "ecs", mode: "pull" })).toBe("events_consumer_ecs_pull");
    expect(integrationStem({ topic: "events", role: "consumer", mode: "push" })).toBe("events_consumer");
    expect(integrationStem({ topic: "detection_rules", role: "producer", format: "sigma", mode: "push" })).toBe("detection_rules_producer_sigma");
  });

  it("recognises .yaml and .yml only", () => {
    expect(isIntegrationFile("a_producer.yaml")).toBe(true);
    expect(isIntegrationFile("a_producer.yml")).toBe(true);
    expect(isIntegrationFile("a_producer.ts")).toBe(false);
    expect(isIntegrationFile("a_producer.yaml.bak")).toBe(false);
    expect(isIntegrationFile("a_producer.json")).toBe(false);
  });

  // Names whose `_`-parts are never a role word (a role word inside a topic is ambiguous by design)
  // and never empty; a format may not be the single word "pull" (it would read as the mode).
  const part = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.]{0,7}$/).filter((p) => !(ROLES as readonly string[]).includes(p) && !p.includes(".."));
  const name = fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ps.join("_"));
  const key: fc.Arbitrary<IntegrationKey> = fc.record(
    {
      topic: name,
      role: fc.constantFrom(...ROLES),
      mode: fc.constantFrom(...MODES),
      format: name.filter((f) => f !== "pull" && !f.endsWith("_pull")),
    },
    { requiredKeys: ["topic", "role", "mode"] },
  );

  it("round-trips integrationStem ↔ parseIntegrationFileName for generated keys (.yaml, .yml, bare)", () => {
    fc.assert(
      fc.property(key, fc.constantFrom(".yaml", ".yml", ""), (k, ext) => {
        expect(isValidName(k.topic)).toBe(true);
        const file = integrationStem(k) + ext;
        expect(parseIntegrationFileName(file)).toEqual(k);
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws on arbitrary file names and only returns keys that round-trip", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const k = parseIntegrationFileName(s);
        if (!k) return;
        expect(isValidName(k.topic)).toBe(true);
        if (k.format !== undefined) expect(isValidName(k.format)).toBe(true);
        expect(parseIntegrationFileName(integrationStem(k))).toEqual(k);
      }),
      { numRuns: 3000 },
    );
  });
});
