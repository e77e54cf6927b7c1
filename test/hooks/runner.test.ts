import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHook, type HookEntry, type HookLogEvent, type HookRegistry, type SecretAccess, type SecretScope } from "../../src/hooks/index.js";
import { MeshroomError } from "../../src/errors/index.js";
import { TempProject, only, rejection } from "./helpers.js";

let project: TempProject;
let reg: HookRegistry;
const hook = (title: string): HookEntry => only(reg, (e) => e.descriptor.title === title);
const ADDRESS = "plug.edr1.siem1.events.push";
const plugInput = {
  instance: { name: "edr1", product: "myedr", settings: { url: "https://edr.example" } },
  plug: { src: "edr1", dst: "siem1", topic: "events", mode: "push" as const, kind: "data" as const, settings: { batch: 10 } },
  integration: { product: "myedr", targetProduct: "siem", topic: "events", role: "producer" as const, mode: "push" as const, settings: { a: 1 }, extra: { vendor_doc: "x" } },
};

function memorySecrets(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const key = (s: SecretScope, n: string) => ("instance" in s ? `instance:${s.instance}` : `plug:${s.plug}`) + `/${n}`;
  const access: SecretAccess = {
    get: async (s, n) => data.get(key(s, n)),
    set: async (s, n, v) => void data.set(key(s, n), v),
    delete: async (s, n) => void data.delete(key(s, n)),
  };
  return { data, access };
}

beforeAll(async () => {
  project = new TempProject();
  const marker = project.path("aborted");
  project.write("products/myedr/hooks.ts", `
    import { writeFileSync } from "node:fs";
    import { setupProducer, teardownProducer, readProducer, updateProducer, setupInstance, scaffoldProducer, trigger, produce } from "meshroom/hooks";

    setupProducer("events", async function createForwarder({ instance, plug, integration, log }) {
      const key = await instance.getSecret("API_KEY");
      log.info("using key", key, { url: instance.settings.url });
      await plug.setSecret("intake_key", "intake-" + key);
      return { outputs: { forwarder: integration.targetProduct + ":" + plug.settings.batch, vendor_doc: integration.vendor_doc as string } };
    });
    setupProducer("failing", async function breaks() { throw new Error("the API said 403"); });
    setupProducer("slow", async function hangs({ signal }) {
      signal.addEventListener("abort", () => writeFileSync(${JSON.stringify(marker)}, String(signal.reason?.code)));
      await new Promise(() => {});
    }, { timeout: 1 });
    setupProducer("bad", async function wrongShape() { return { intake_id: 3 } as never; });
    readProducer("events", async function check({ outputs }) { return { exists: outputs.forwarder === "siem:10", outputs: { seen: true } }; });
    teardownProducer("events", async function remove({ plug, outputs }) { await plug.deleteSecret("intake_key"); return outputs as never; });
    updateProducer("events", async function change({ changes }) { return { outputs: { n: changes.length } }; });
    setupInstance(async function tenant({ exec, instance }) {
      const r = await exec("node", ["-e", "process.stdout.write(process.cwd())"]);
      return { outputs: { cwd: r.stdout, name: instance.name } };
    });
    scaffoldProducer("events", async function scaffold({ files }) {
      await files.write("notes/README.md", "hello");
      await files.write("../../escape.txt", "nope");
    });
    trigger("isolate", async function isolate({ params }) { return { isolated: params.host }; });
    produce("events", async function send({ data }) { return { sent: data.length }; });
  `);
  reg = await project.load(["myedr"]);
});
afterAll(() => project.cleanup());

describe("runHook", () => {
  it("hands the hook its context: settings, secrets by scope, integration extras, redacted log; returns outputs", async () => {
    const secrets = memorySecrets({ "instance:edr1/API_KEY": "sk-very-secret-1" });
    const logs: HookLogEvent[] = [];
    const r = await runHook(hook("createForwarder"), plugInput, { address: ADDRESS, secrets: secrets.access, log: (e) => logs.push(e) });
    expect(r).toEqual({ outputs: { forwarder: "siem:10", vendor_doc: "x" } });
    expect(secrets.data.get(`plug:${ADDRESS}/intake_key`)).toBe("intake-sk-very-secret-1");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: "info", address: ADDRESS, hook: "createForwarder" });
    expect(logs[0]!.message).toContain("https://edr.example");
    expect(logs[0]!.message).not.toContain("sk-very-secret-1");
  });

  it("wraps a throw as E_HOOK_FAILED naming the title, product and address, with the cause", async () => {
    const e = await rejection(runHook(hook("breaks"), plugInput, { address: ADDRESS }));
    expect(e).toBeInstanceOf(MeshroomError);
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toBe(`hook 'breaks' (myedr, producer failing) failed for ${ADDRESS}: the API said 403`);
    expect((e.cause as Error).message).toBe("the API said 403");
    expect(e.detail).toContain("products/myedr/hooks.ts");
  });

  it("fails with E_HOOK_TIMEOUT after the hook's timeout and aborts its signal", async () => {
    const t0 = Date.now();
    const e = await rejection(runHook(hook("hangs"), plugInput, { address: ADDRESS }));
    expect(e.code).toBe("E_HOOK_TIMEOUT");
    expect(e.message).toBe(`hook 'hangs' for ${ADDRESS} timed out after 1s`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(readFileSync(project.path("aborted"), "utf8")).toBe("E_HOOK_TIMEOUT");
  });

  it("fails with E_ABORTED when the caller's signal aborts", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const e = await rejection(runHook(hook("hangs"), plugInput, { address: ADDRESS, signal: ctl.signal }));
    expect(e.code).toBe("E_ABORTED");
    const e2 = await rejection(runHook(hook("hangs"), plugInput, { address: ADDRESS, signal: AbortSignal.abort() }));
    expect(e2.code).toBe("E_ABORTED");
  });

  it("validates results per kind", async () => {
    const e = await rejection(runHook(hook("wrongShape"), plugInput, { address: ADDRESS }));
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("returned an invalid result");
    expect(e.message).toContain("setup hooks return nothing, or { outputs: { … } }");

    const read = await runHook(hook("check"), { ...plugInput, outputs: { forwarder: "siem:10" } }, { address: ADDRESS });
    expect(read).toEqual({ exists: true, outputs: { seen: true } });
    const upd = await runHook(hook("change"), { ...plugInput, outputs: {}, changes: [{ path: "settings.batch", before: 1, after: 2 }] }, { address: ADDRESS });
    expect(upd).toEqual({ outputs: { n: 1 } });
    const trig = await runHook(hook("isolate"), { instance: plugInput.instance, params: { host: "h1" } }, { address: "instance.edr1" });
    expect(trig).toEqual({ value: { isolated: "h1" } });
    const prod = await runHook(hook("send"), { instance: plugInput.instance, data: "hello" }, { address: "instance.edr1" });
    expect(prod).toEqual({ value: { sent: 5 } });
  });

  it("teardown results are ignored and plug secrets can be deleted", async () => {
    const secrets = memorySecrets({ [`plug:${ADDRESS}/intake_key`]: "k" });
    const r = await runHook(hook("remove"), { ...plugInput, outputs: { x: 1 } }, { address: ADDRESS, secrets: secrets.access });
    expect(r).toEqual({});
    expect(secrets.data.size).toBe(0);
  });

  it("a hook asking for a secret without a store fails clearly", async () => {
    const e = await rejection(runHook(hook("createForwarder"), plugInput, { address: ADDRESS }));
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("no secrets store is open");
  });

  it("exec runs programs in the hook's folder by default", async () => {
    const r = await runHook(hook("tenant"), { instance: plugInput.instance }, { address: "instance.edr1" });
    expect(r.outputs).toEqual({ cwd: project.path("products/myedr"), name: "edr1" });
  });

  it("scaffold writes under the integration folder and refuses paths that escape it", async () => {
    const e = await rejection(runHook(hook("scaffold"), { integration: plugInput.integration }, { address: "integration" }));
    expect(existsSync(project.path("products/myedr/integrations/siem/notes/README.md"))).toBe(true);
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("refused");
    expect(existsSync(project.path("products/escape.txt"))).toBe(false);
  });
});

describe("runHook input", () => {
  it("refuses to call a plug hook without a plug (a caller bug, not the user's)", async () => {
    const e = await rejection(runHook(hook("createForwarder"), { instance: plugInput.instance }, { address: ADDRESS }));
    expect(e.code).toBe("E_INTERNAL");
    expect(e.message).toContain("needs plug, integration");
  });
});
