import { describe, expect, it } from "vitest";
import { thrownMeshroomError } from "../support/thrown.js";
import { Instance, MeshStack, Plug, Secret, Testing } from "../../constructs/index.js";
import { buildCapabilityGraph } from "../../src/capabilities/index.js";
import { normalizeProduct, normalizeSetting } from "../../src/model/index.js";
import { desiredResources } from "../../src/synth/index.js";
import { providerSchemaOf } from "../../src/synth/provider-schema.js";

const siem = normalizeProduct("siem_local", "/p/siem_local", {
  settings: [
    { name: "port", type: "integer", required: true },
    { name: "api_key", required: true },
    { name: "tags", type: "array", items: { name: "tag", type: "string" } },
  ],
  consumes: { events: [{}] },
});
const edr = normalizeProduct("myedr", "/p/myedr", { produces: { events: [{}] } });
// no hooks: generic integrations own nothing, so plugs between these products cannot resolve
const project = { graph: buildCapabilityGraph({ products: [siem, edr], integrations: [], hooks: [] }) };

function mesh(): MeshStack {
  return new MeshStack(Testing.app(), "soc", { project });
}

describe("MeshStack", () => {
  it("renders instances with settings, secret references by name and no secret value", () => {
    const m = mesh();
    new Instance(m, "siem.eu", { product: "siem_local", settings: { port: 8514, api_key: Secret.fromStore("api_key"), tags: ["a"] } });
    const doc = Testing.synthMesh(m);
    expect(doc.resource?.meshroom_instance).toEqual({
      siem_deu: { name: "siem.eu", product: "siem_local", settings: { port: 8514, tags: ["a"] }, secret_refs: ["api_key"], depends_on: [] },
    });
    expect(desiredResources(doc).map((r) => r.address)).toEqual(["instance.siem.eu"]);
  });

  it("refuses a secret setting written as plain text", () => {
    const m = mesh();
    new Instance(m, "siem", { product: "siem_local", settings: { port: 1, api_key: "hunter2" } });
    const e = thrownMeshroomError(() => Testing.synthMesh(m));
    expect(e.message).toBe(
      'soc/siem: secret setting api_key is written in clear; give it as Secret.fromStore("api_key") and store the value with `meshroom secrets set instance:siem api_key` (field `settings.api_key`)',
    );
  });

  it("checks settings against the product like the YAML loader (unknown name, missing required, wrong type, unknown product)", () => {
    const m = mesh();
    new Instance(m, "a", { product: "siem_local", settings: { prot: 1 } });
    new Instance(m, "b", { product: "siem_local", settings: { port: "x" } });
    new Instance(m, "c", { product: "nope" });
    const e = thrownMeshroomError(() => Testing.synthMesh(m));
    const all = [e.message, ...e.diagnostics.map((d) => d.summary)];
    expect(all).toEqual([
      'soc/a: unknown setting "prot" for product siem_local (known: port, tags) (field `settings.prot`)',
      "soc/a: required setting port is missing (field `settings.port`)",
      'soc/b: setting port: expected an integer, got the string "x" (field `settings.port`)',
      'soc/c: instance c is of unknown product "nope"',
    ]);
  });

  it("resolves plugs at synth time and reports an impossible one as E_NO_INTEGRATION", () => {
    const m = mesh();
    const s = new Instance(m, "siem", { product: "siem_local", settings: { port: 1, api_key: Secret.fromStore("api_key") } });
    const e = new Instance(m, "edr", { product: "myedr" });
    new Plug(m, "p", { topic: "events", src: e, dst: s, mode: "push" });
    const err = thrownMeshroomError(() => Testing.synthMesh(m));
    expect(err.code).toBe("E_NO_INTEGRATION");
    expect(err.message).toMatch(/^cannot plug edr → siem events \(push\)/);
  });

  it("takes a recorded resolution as is and makes the plug depend on both instances", () => {
    const m = mesh();
    const s = new Instance(m, "siem", { product: "siem_local", settings: { port: 1, api_key: Secret.fromStore("api_key") } });
    const e = new Instance(m, "edr", { product: "myedr" });
    new Plug(m, "p", { topic: "events", src: e, dst: s, resolved: { mode: "push", kind: "data", owner: "both" } });
    const doc = Testing.synthMesh(m);
    expect(doc.resource?.meshroom_plug?.["edr-siem-events-push"]).toMatchObject({
      src: "edr", dst: "siem", owner: "both", format: null, depends_on: ["meshroom_instance.edr", "meshroom_instance.siem"],
    });
    expect(desiredResources(doc).find((r) => r.type === "meshroom_plug")?.dependencies).toEqual(["instance.edr", "instance.siem"]);
  });

  it("checks plug settings against the integrations' plug settings (unknown, wrong type, secret in clear)", () => {
    const integ = {
      product: "myedr", target: "siem_local", topic: "events", role: "producer" as const, mode: "push" as const,
      plugSettings: [normalizeSetting({ name: "index", type: "string", required: true }), normalizeSetting({ name: "token" })],
      settings: {}, extra: {}, commandHooks: [], file: "/p/myedr/integrations/siem_local/events_producer.yaml",
    };
    const graph = buildCapabilityGraph({ products: [siem, edr], integrations: [integ], hooks: [] });
    const m = new MeshStack(Testing.app(), "soc", { project: { graph } });
    const s = new Instance(m, "siem", { product: "siem_local", settings: { port: 1 } });
    const e = new Instance(m, "edr", { product: "myedr" });
    const srcIntegration = { product: "myedr", target: "siem_local", topic: "events", role: "producer" as const, mode: "push" as const, explicit: true };
    new Plug(m, "p", {
      topic: "events", src: e, dst: s, resolved: { mode: "push", kind: "data", owner: "src", srcIntegration },
      settings: { src: { index: 3, token: "hunter2", extra: 1 } },
    });
    const err = thrownMeshroomError(() => Testing.synthMesh(m));
    expect([err.message, ...err.diagnostics.map((d) => d.summary)]).toEqual([
      "soc/p: setting index: expected a string, got number 3 (field `settings.src.index`)",
      "soc/p: secret setting token is written in clear; give it as Secret.fromStore(\"token\") and store the value with `meshroom secrets set plug:edr.siem.events.push token` (field `settings.src.token`)",
      'soc/p: unknown setting "extra" for the src side of this plug (known: index) (field `settings.src.extra`)',
    ]);
  });

  it("refuses two instances with one name", () => {
    const m = mesh();
    const scope = new Instance(m, "siem", { product: "myedr" });
    new Instance(scope, "siem", { product: "myedr" });
    expect(thrownMeshroomError(() => Testing.synthMesh(m)).code).toBe("E_CONFLICT");
  });
});

describe("providerSchemaOf", () => {
  it("maps settings to typed, required/optional, sensitive attributes of <product>_instance", () => {
    const { schema } = providerSchemaOf([siem], (tf) => tf.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
    const res = schema.provider_schemas["registry.terraform.io/meshroom/meshroom"]?.resource_schemas.meshroom_siem_local_instance;
    expect(res?.block.attributes).toEqual({
      port: { type: "number", required: true },
      api_key: { type: "string", required: true, sensitive: true },
      tags: { type: ["list", "string"], optional: true },
    });
  });
});
