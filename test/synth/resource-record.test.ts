import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hookInput } from "../../src/hooks/index.js";
import { loadProject } from "../../src/project/load.js";
import type { Project } from "../../src/project/project.js";
import {
  desiredResources, instanceInputs, instanceRecord, plugInputs, plugRecord, projectToDocument, resourceRecord, type DesiredResource,
} from "../../src/synth/index.js";
import { basicMesh, type MeshProject } from "../engine/fixtures.js";

let mesh: MeshProject;
let project: Project;
let desired: DesiredResource[];
beforeAll(async () => {
  mesh = basicMesh();
  project = await loadProject(mesh.root);
  desired = desiredResources(projectToDocument(project));
});
afterAll(() => mesh.cleanup());

const byAddress = (a: string) => desired.find((r) => r.address === a)!;
const PLUG = "plug.edr1.siem1.events.push";

describe("typed resource records", () => {
  it("a desired resource's inputs are its typed record as-is (parsed once, with the document)", () => {
    const d = byAddress("instance.siem1");
    expect(instanceRecord(d)).toBe(d.inputs);
    expect(resourceRecord(byAddress(PLUG))).toEqual({ address: PLUG, type: "meshroom_plug", inputs: byAddress(PLUG).inputs });
  });

  it("inputs read from state are checked against their type once; a hand-edited record is E_STATE naming the fix", () => {
    const fromState = { address: PLUG, type: "meshroom_plug" as const, inputs: JSON.parse(JSON.stringify(byAddress(PLUG).inputs)) };
    const typed = plugRecord(fromState);
    expect(typed).toEqual(byAddress(PLUG).inputs);
    expect(plugRecord(fromState)).toBe(typed); // not parsed again
    const edited = { address: PLUG, inputs: { ...fromState.inputs, mode: "sideways" } };
    expect(() => plugRecord(edited)).toThrow(expect.objectContaining({
      code: "E_STATE",
      message: expect.stringContaining(`${PLUG}: its recorded inputs are not those of a meshroom_plug (mode:`),
      detail: expect.stringContaining(`meshroom state rm ${PLUG}`),
    }));
    expect(() => instanceRecord({ address: "instance.x", inputs: { name: "x" } })).toThrow(expect.objectContaining({ code: "E_STATE" }));
  });

  it("the project's instance and plug become the same records as the desired document's (what live hooks get)", () => {
    expect(instanceInputs(project.instances.get("siem1")!)).toEqual(byAddress("instance.siem1").inputs);
    expect(plugInputs(project.plugs[0]!)).toEqual(byAddress(PLUG).inputs);
  });

  it("a live hook and a lifecycle hook of the same plug side get the same input", () => {
    const plug = project.plugs[0]!;
    const live = hookInput({ instance: instanceInputs(project.instances.get("siem1")!), plug: { inputs: plugInputs(plug), side: "dst" } });
    const lifecycle = hookInput({ instance: instanceRecord(byAddress("instance.siem1")), plug: { inputs: plugRecord(byAddress(PLUG)), side: "dst" } });
    expect(live).toEqual(lifecycle);
    expect(live.instance).toEqual({ name: "siem1", product: "siem", settings: { port: 8514 } });
    expect(live.plug).toMatchObject({ src: "edr1", dst: "siem1", topic: "events", mode: "push", kind: "data" });
    expect(live.plug).not.toHaveProperty("format"); // null in the record: absent for the hook
    expect(live.integration).toMatchObject({ product: "siem", targetProduct: "edr", topic: "events", role: "consumer", mode: "push", settings: {}, extra: {} });
  });
});
