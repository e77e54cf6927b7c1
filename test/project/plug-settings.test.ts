// A plug file's settings are checked against each side's explicit integration by the rules and
// words of a code mesh's Plug (test/constructs/mesh-stack.test.ts, "checks plug settings"):
// unknown setting, wrong type, secret in clear, missing required — with the plug file's line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectWithDiagnostics } from "../../src/project/load.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject } from "./helpers.js";

const INTEGRATION = "topic: events\nrole: producer\nplug_settings:\n  - { name: index, type: string, required: true }\n  - { name: token, secret: true }\n";
const REF = "src_integration: { product: myedr, target: mysiem, topic: events, role: producer, mode: push, explicit: true }\n";
const PLUG = "instances/myedr/edr1/plugs/siem1/events.yaml";

function project(plugFile: string): string {
  return makeProject({
    "products/myedr/definition.yaml": EDR_DEFINITION,
    "products/mysiem/definition.yaml": SIEM_DEFINITION,
    "products/myedr/integrations/mysiem/events_producer.yaml": INTEGRATION,
    "instances/myedr/edr1/config.yaml": "settings:\n  API_URL: https://edr\n",
    "instances/mysiem/siem1/config.yaml": "settings: {}\n",
    [PLUG]: plugFile,
  });
}

describe("plug settings in a YAML plug file", () => {
  it("are refused as a code mesh refuses them, each pointing at its line", async () => {
    const root = project(`kind: data\nowner: edr1\n${REF}settings:\n  src:\n    index: 3\n    token: hunter2\n    extra: 1\n`);
    const { diagnostics } = await loadProjectWithDiagnostics(root);
    expect(diagnostics.map((d) => [d.rule, d.summary, d.location?.file, d.location?.line])).toEqual([
      ["wrong-type", "setting index: expected a string, got number 3", PLUG, 6],
      ["secret-in-clear", "secret setting token is written in clear; remove it and run `meshroom secrets set plug:edr1.siem1.events.push token`", PLUG, 7],
      ["unknown-setting", 'unknown setting "extra" for the src side of this plug (known: index)', PLUG, 8],
    ]);
  });

  it("must hold the integration's required settings; a valid file loads clean", async () => {
    const missing = await loadProjectWithDiagnostics(project(`kind: data\nowner: edr1\n${REF}`));
    expect(missing.diagnostics.map((d) => [d.rule, d.location?.field])).toEqual([["missing-required", "settings.src.index"]]);
    const ok = await loadProjectWithDiagnostics(project(`kind: data\nowner: edr1\n${REF}settings:\n  src: { index: soc-events }\n`));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.project.plugs[0]?.settings.src).toEqual({ index: "soc-events" });
  });

  it("a side set up by a generic integration takes no settings", async () => {
    const generic = "dst_integration: { product: mysiem, target: myedr, topic: events, role: consumer, mode: push, explicit: false }\n";
    const root = project(`kind: data\nowner: both\n${generic}settings:\n  dst: { index: x }\n`);
    const { diagnostics } = await loadProjectWithDiagnostics(root);
    expect(diagnostics.map((d) => [d.rule, d.summary])).toEqual([["unknown-setting", 'unknown setting "index" for the dst side of this plug']]);
  });

  it("is checked again when the integration changes while the plug file stays cached", async () => {
    const root = project(`kind: data\nowner: edr1\n${REF}settings:\n  src: { index: soc-events }\n`);
    expect((await loadProjectWithDiagnostics(root)).diagnostics).toEqual([]);
    writeFileSync(join(root, "products/myedr/integrations/mysiem/events_producer.yaml"), INTEGRATION.replace("type: string", "type: integer"));
    const again = await loadProjectWithDiagnostics(root);
    expect(again.diagnostics.map((d) => [d.rule, d.location?.field])).toEqual([["wrong-type", "settings.src.index"]]);
  });
});
