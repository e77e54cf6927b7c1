// Python hook files (products/<p>/*.py, integration <stem>.py): registration by the shipped
// `meshroom` package's decorators, calls through the project's Python host (secrets and
// messages call back into meshroom), failures with the Python traceback, the host's
// environment, and the registration cache.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHooks, runHook, runWatch, type HookEntry, type HookLogEvent, type HookRegistry, type SecretAccess, type SecretScope } from "../../src/hooks/index.js";
import { closePythonHosts } from "../../src/hooks/python/python-host.js";
import { registerSecretValue } from "../../src/util/redact.js";
import { TempProject, only, rejection } from "./helpers.js";

let project: TempProject;
let reg: HookRegistry;
let cacheHome: string;
const savedEnv = { ...process.env };
const hook = (title: string): HookEntry => only(reg, (e) => e.descriptor.title === title);
const ADDRESS = "plug.edr1.siem1.events.push";
const API_KEY = "sk-python-api-key-7731";

const store = new Map<string, string>();
const key = (scope: SecretScope, name: string) => `${"instance" in scope ? `instance:${scope.instance}` : `plug:${scope.plug}`}/${name}`;
const secrets: SecretAccess = {
  get: async (scope, name) => store.get(key(scope, name)),
  set: async (scope, name, value) => void store.set(key(scope, name), value),
  delete: async (scope, name) => void store.delete(key(scope, name)),
};
const input = {
  instance: { name: "siem1", product: "siem", settings: { url: "https://siem.example" } },
  plug: { src: "edr1", dst: "siem1", topic: "events", mode: "push" as const, kind: "data" as const, settings: { batch: 10 } },
  integration: { product: "siem", targetProduct: "edr", topic: "events", role: "consumer" as const, mode: "push" as const, extra: { intake_format_uuid: "fmt-1" } },
};

const SIEM = `
import os
from meshroom.decorators import setup_consumer, teardown_consumer, read_consumer, update_consumer, setup_instance, watch, produce, pull, trigger
from meshroom.model import Integration, Plug, Instance
from meshroom.interaction import debug, info

@setup_consumer("events", order="first", owns_both=True)
def create_intake_key(integration: Integration, plug: Plug, instance: Instance):
    if plug.get_secret("intake_key"):
        debug("intake key already there")
        return {"reused": True}
    api_key = instance.get_secret("API_KEY")
    info("using key", api_key)
    print("region", instance.settings.get("region", "fra1"))
    plug.set_secret("intake_key", "ik-" + integration.intake_format_uuid)
    return {"format": integration.intake_format_uuid, "target": integration.target_product, "batch": plug.settings["batch"]}

@teardown_consumer("events")
def delete_intake_key(plug, outputs):
    plug.delete_secret("intake_key")

@read_consumer("events")
def check_intake_key(plug):
    return plug.get_secret("intake_key") is not None

@update_consumer("events", title="Resize the intake")
def resize(outputs, changes):
    return {"outputs": {"was": outputs, "changed": [c["path"] for c in changes]}}

@setup_instance
def environment():
    return {"env": sorted(os.environ), "cwd": os.getcwd()}

@produce("events", role="consumer")
def broken(data, instance):
    raise ValueError("no intake format for " + data)

@watch("events", role="consumer")
def tail_events(instance):
    try:
        n = 0
        while True:
            n += 1
            yield {"n": n, "on": instance.name}
    finally:
        open(os.path.join(${JSON.stringify("@@ROOT@@")}, "closed"), "w").write("yes")

@trigger("leak")
def leaky(instance):
    raise RuntimeError("the API refused key " + instance.get_secret("API_KEY"))

@pull(timeout=5)
def from_catalog(path, **rest):
    return {"path": path, "more": sorted(rest)}
`;

beforeAll(async () => {
  cacheHome = mkdtempSync(join(tmpdir(), "mr-pycache-"));
  process.env.XDG_CACHE_HOME = cacheHome;
  process.env.MESHROOM_TEST_LEAK = "must-not-leak";
  process.env.SOME_USER_TOKEN = "must-not-leak-either";
  project = new TempProject();
  project.write("products/siem/hooks.py", SIEM.replace("@@ROOT@@", project.root));
  project.write("products/siem/integrations/edr/events_consumer.yaml", "topic: events\nrole: consumer\n");
  project.write("products/siem/integrations/edr/events_consumer.py", `
from meshroom.decorators import setup, setup_producer
from .helper import LABEL

@setup(keep_when_overloaded=False)
def edr_specific(instance):
    return LABEL
`);
  project.write("products/siem/integrations/edr/helper.py", `LABEL = "from a sibling module"\n`);
  reg = await project.load(["siem"]);
});

afterAll(() => {
  closePythonHosts();
  project.cleanup();
  rmSync(cacheHome, { recursive: true, force: true });
  process.env = savedEnv;
});

describe("Python hook files", () => {
  it("register with the kinds, roles, topics and options of their decorators", () => {
    const d = hook("create_intake_key").descriptor;
    expect(d).toMatchObject({ kind: "setup", role: "consumer", topic: "events", order: "first", ownsBoth: true, product: "siem", source: "products/siem/hooks.py" });
    expect(hook("Resize the intake").descriptor).toMatchObject({ kind: "update", role: "consumer" });
    expect(hook("environment").descriptor.kind).toBe("setupInstance");
    expect(hook("tail_events").descriptor).toMatchObject({ kind: "watch", role: "consumer", topic: "events" });
    expect(hook("from_catalog").descriptor).toMatchObject({ kind: "pull", timeout: 5 });
    // an integration's file takes its scope from the integration file (and imports its siblings)
    expect(hook("edr_specific").descriptor).toMatchObject({ kind: "setup", role: "consumer", topic: "events", target: "edr", source: "products/siem/integrations/edr/events_consumer.py" });
  });

  it("run with their context: settings, extra integration fields, secrets through meshroom's store, messages redacted", async () => {
    store.set("instance:siem1/API_KEY", API_KEY);
    registerSecretValue(API_KEY);
    const logs: HookLogEvent[] = [];
    const r = await runHook(hook("create_intake_key"), input, { address: ADDRESS, secrets, log: (e) => logs.push(e) });
    expect(r.outputs).toEqual({ format: "fmt-1", target: "edr", batch: 10 });
    expect(store.get(`plug:${ADDRESS}/intake_key`)).toBe("ik-fmt-1");
    expect(logs.map((l) => [l.level, l.message])).toEqual([["info", "using key (sensitive value)"], ["info", "region fra1"]]);
    // idempotent: the second run finds the key
    const again = await runHook(hook("create_intake_key"), input, { address: ADDRESS, secrets, log: (e) => logs.push(e) });
    expect(again.outputs).toEqual({ reused: true });
    expect(logs.at(-1)).toMatchObject({ level: "debug", message: "intake key already there" });

    expect(await runHook(hook("check_intake_key"), input, { address: ADDRESS, secrets })).toEqual({ exists: true });
    await runHook(hook("delete_intake_key"), { ...input, outputs: { format: "fmt-1" } }, { address: ADDRESS, secrets });
    expect(store.has(`plug:${ADDRESS}/intake_key`)).toBe(false);
    expect(await runHook(hook("check_intake_key"), input, { address: ADDRESS, secrets })).toEqual({ exists: false });

    const u = await runHook(hook("Resize the intake"), { ...input, outputs: { a: 1 }, changes: [{ path: "settings.batch", before: 10, after: 20 }] }, { address: ADDRESS, secrets });
    expect(u.outputs).toEqual({ was: { a: 1 }, changed: ["settings.batch"] });
    expect((await runHook(hook("edr_specific"), input, { address: ADDRESS, secrets })).outputs).toEqual({ result: "from a sibling module" });
    expect((await runHook(hook("from_catalog"), { path: "/tmp/mirror" }, { address: "siem" })).value).toMatchObject({ path: "/tmp/mirror" });
  });

  it("an exception fails the hook with its message; the Python traceback is the cause's stack (--debug)", async () => {
    const e = await rejection(runHook(hook("broken"), { instance: input.instance, data: "line-1" }, { address: "instance.siem1" }));
    expect(e).toMatchObject({ code: "E_HOOK_FAILED" });
    expect(e.message).toContain("hook 'broken' (siem, consumer events) failed for instance.siem1: ValueError: no intake format for line-1");
    const stack = (e.cause as Error).stack ?? "";
    expect(stack).toContain("Traceback (most recent call last)");
    expect(stack).toContain(`${project.path("products/siem/hooks.py")}", line`);
    expect(stack).not.toContain("_host.py");

    // secret values are redacted from the message and from the traceback (--debug)
    store.set("instance:siem1/API_KEY", API_KEY);
    const leak = await rejection(runHook(hook("leaky"), { instance: input.instance }, { address: "instance.siem1", secrets }));
    expect(leak.message).toContain("RuntimeError: the API refused key");
    expect(`${leak.message}\n${(leak.cause as Error).stack ?? ""}`).not.toContain(API_KEY);
  });

  it("a watch hook streams; stopping it closes the Python generator", async () => {
    const items: unknown[] = [];
    for await (const x of runWatch(hook("tail_events"), { instance: input.instance }, { address: "instance.siem1", count: 3 })) items.push(x);
    expect(items).toEqual([{ n: 1, on: "siem1" }, { n: 2, on: "siem1" }, { n: 3, on: "siem1" }]);
    for (let i = 0; i < 100 && !existsSync(project.path("closed")); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(project.path("closed"), "utf8")).toBe("yes");
  });

  it("the Python process gets a hook program's environment: no MESHROOM_* and no other variable of meshroom's", async () => {
    const r = await runHook(hook("environment"), { instance: input.instance }, { address: "instance.siem1" });
    const env = (r.outputs as { env: string[]; cwd: string }).env;
    expect(env.filter((k) => k.startsWith("MESHROOM_") || k === "SOME_USER_TOKEN")).toEqual([]);
    expect(env).toContain("PYTHONPATH");
    expect((r.outputs as { cwd: string }).cwd).toBe(project.root);
  });

  it("a file that cannot be imported is an error with the Python traceback", async () => {
    const p = new TempProject();
    try {
      p.write("products/bad/hooks.py", "from meshroom.decorators import setup_consumer\n\n@setup_consumer('events', colour='red')\ndef f():\n    pass\n");
      const e = await rejection(p.load(["bad"]));
      expect(e).toMatchObject({ code: "E_BAD_MANIFEST" });
      expect(e.message).toContain("could not load hook file products/bad/hooks.py: TypeError: setup_consumer(): unknown option 'colour'");
      expect(e.detail).toContain("Traceback");
    } finally {
      p.cleanup();
    }
  });

  it("registrations are cached by content: an unchanged product is not imported again, a changed sibling is", async () => {
    const p = new TempProject();
    try {
      const marker = p.path("imported");
      p.write("products/cat/hooks.py", `from meshroom.decorators import setup_producer\nopen(${JSON.stringify(marker)}, "a").write("x")\n@setup_producer("events")\ndef go():\n    pass\n`);
      p.write("products/cat/lib.py", "A = 1\n");
      const load = async () => {
        closePythonHosts(); // a new command: a new process
        return (await p.load(["cat"])).descriptors().map((d) => d.title);
      };
      expect(await load()).toEqual(["go"]);
      expect(await load()).toEqual(["go"]);
      expect(readFileSync(marker, "utf8")).toBe("x");
      p.write("products/cat/lib.py", "A = 2\n");
      expect(await load()).toEqual(["go"]);
      expect(readFileSync(marker, "utf8")).toBe("xx");
    } finally {
      p.cleanup();
    }
  });

  it("without Python, the error names the files that need it", async () => {
    const p = new TempProject();
    process.env.MESHROOM_PYTHON = join(p.root, "no-such-python3");
    try {
      p.write("products/nopy/hooks.py", "from meshroom.decorators import setup_producer\n");
      closePythonHosts();
      const e = await rejection(p.load(["nopy"]));
      expect(e.message).toContain("Python hook files need");
      expect(e.message).toContain("products/nopy/hooks.py");
      expect(e.detail).toContain("MESHROOM_PYTHON");
    } finally {
      delete process.env.MESHROOM_PYTHON;
      p.cleanup();
    }
  });
});
