import { describe, expect, it } from "vitest";
import { capabilitiesMatch, formatsCompatible, moreSpecificFormat } from "../../src/capabilities/index.js";
import { integrationStem, parseIntegrationFileName } from "../../src/model/index.js";

const cap = (role: "producer" | "consumer" | "trigger" | "executor", topic = "events", mode: "push" | "pull" = "push", format?: string) =>
  format === undefined ? { role, topic, mode } : { role, topic, mode, format };

describe("capability matching", () => {
  it("needs complementary roles: producer↔consumer and trigger↔executor", () => {
    expect(capabilitiesMatch(cap("producer"), cap("consumer"))).toBe(true);
    expect(capabilitiesMatch(cap("consumer"), cap("producer"))).toBe(true);
    expect(capabilitiesMatch(cap("trigger"), cap("executor"))).toBe(true);
    expect(capabilitiesMatch(cap("executor"), cap("trigger"))).toBe(true);
    expect(capabilitiesMatch(cap("producer"), cap("producer"))).toBe(false);
    expect(capabilitiesMatch(cap("producer"), cap("executor"))).toBe(false);
    expect(capabilitiesMatch(cap("trigger"), cap("consumer"))).toBe(false);
  });

  it("needs equal topics and equal modes", () => {
    expect(capabilitiesMatch(cap("producer", "events"), cap("consumer", "alerts"))).toBe(false);
    expect(capabilitiesMatch(cap("producer", "events", "push"), cap("consumer", "events", "pull"))).toBe(false);
    expect(capabilitiesMatch(cap("producer", "events", "pull"), cap("consumer", "events", "pull"))).toBe(true);
  });

  it("needs equal formats, or at least one unset", () => {
    expect(capabilitiesMatch(cap("producer", "events", "push", "ecs"), cap("consumer", "events", "push", "ecs"))).toBe(true);
    expect(capabilitiesMatch(cap("producer", "events", "push", "ecs"), cap("consumer", "events", "push", "cef"))).toBe(false);
    expect(capabilitiesMatch(cap("producer", "events", "push", "ecs"), cap("consumer"))).toBe(true);
    expect(capabilitiesMatch(cap("producer"), cap("consumer", "events", "push", "ocsf"))).toBe(true);
    expect(formatsCompatible(undefined, undefined)).toBe(true);
  });

  it("keeps the more specific format", () => {
    expect(moreSpecificFormat(undefined, "ecs")).toBe("ecs");
    expect(moreSpecificFormat("ecs", undefined)).toBe("ecs");
    expect(moreSpecificFormat(undefined, undefined)).toBeUndefined();
  });
});

describe("integration file names carry the format", () => {
  it("reads topic, role, format and mode back", () => {
    expect(parseIntegrationFileName("events_consumer_ecs_pull.yaml")).toEqual({ topic: "events", role: "consumer", format: "ecs", mode: "pull" });
    expect(parseIntegrationFileName("detection_rules_producer_sigma.yml")).toEqual({ topic: "detection_rules", role: "producer", format: "sigma", mode: "push" });
    expect(parseIntegrationFileName("events_producer.yaml")).toEqual({ topic: "events", role: "producer", mode: "push" });
    expect(parseIntegrationFileName("search_threat_executor_pull.yaml")).toEqual({ topic: "search_threat", role: "executor", mode: "pull" });
    expect(parseIntegrationFileName("events.yaml")).toBeUndefined();
  });

  it("round-trips with the stem we write", () => {
    for (const key of [
      { topic: "events", role: "consumer" as const, mode: "pull" as const, format: "ecs" },
      { topic: "detection_rules", role: "producer" as const, mode: "push" as const, format: "sigma" },
      { topic: "iocs", role: "trigger" as const, mode: "push" as const },
    ]) {
      expect(parseIntegrationFileName(`${integrationStem(key)}.yaml`)).toEqual(key);
    }
  });
});
