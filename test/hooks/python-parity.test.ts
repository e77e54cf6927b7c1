// The same hooks written in TypeScript and in Python give the same plans, states, outputs and
// command results, over every hook kind: setup/teardown/read/update (plugs), setupInstance/
// teardownInstance/readInstance, produce, watch, trigger, execute, scaffold, publish, pull.
// Two copies of one mesh, one per language, driven by the in-process CLI, step by step.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { closePythonHosts } from "../../src/hooks/python/python-host.js";

vi.setConfig({ testTimeout: 180_000 });

const TS_EDR = `import { appendFileSync, existsSync } from "node:fs";
import { setupInstance, teardownInstance, readInstance, setupProducer, teardownProducer, readProducer, updateProducer,
  setupTrigger, produce, trigger, scaffoldTrigger, publish, pull } from "meshroom/hooks";
const LOG = "@@ROOT@@/calls.log";
const rec = (s: string) => appendFileSync(LOG, s + "\\n");
setupInstance(async function edr_instance_setup({ instance }) { rec("instance-setup " + instance.name); return { outputs: { id: "i-" + instance.name } }; });
teardownInstance(async function edr_instance_teardown({ instance, outputs }) { rec("instance-teardown " + instance.name + " " + String(outputs.id)); });
readInstance(async function edr_instance_read({ instance, outputs }) { return { exists: !existsSync("@@ROOT@@/gone-" + instance.name), outputs }; });
setupProducer("events", async function edr_setup({ plug, instance }) {
  rec("setup " + plug.src + "->" + plug.dst);
  await plug.setSecret("token", "tok-" + instance.name);
  return { outputs: { key: "k-" + plug.src, batch: plug.settings.batch ?? null } };
}, { order: 1 });
teardownProducer("events", async function edr_teardown({ plug, outputs }) { rec("teardown " + plug.src + " " + String(outputs.key)); await plug.deleteSecret("token"); });
readProducer("events", async function edr_read({ plug, outputs }) { return { exists: !existsSync("@@ROOT@@/gone-" + plug.src), outputs }; });
updateProducer("events", async function edr_update({ outputs, changes }) { rec("update " + changes.map((c) => c.path).join(",")); return { outputs: { ...outputs, updated: true } }; });
setupTrigger("contain", async function edr_trigger_setup() { return { outputs: {} }; });
produce("events", async function edr_produce({ data, plug }) { rec("produce " + data); return { sent: data, to: plug?.dst ?? null, token: await plug?.getSecret("token") }; }, { role: "producer" });
trigger("contain", async function edr_trigger({ params, instance }) { return { by: instance.name, params }; });
scaffoldTrigger("contain", async function edr_scaffold({ integration, files }) { await files.write("notes/" + integration.targetProduct + ".md", "# " + integration.topic + "\\n"); });
publish(async function edr_publish({ integration }) { return { published: integration ? integration.targetProduct + "/" + integration.topic : null }; }, { role: "producer" });
pull(async function edr_pull({ path }) { rec("pull " + path.split("/").slice(-2).join("/")); return { mirrored: true }; });
`;

const PY_EDR = `import os
from meshroom.decorators import setup_instance, teardown_instance, read_instance, setup_producer, teardown_producer, read_producer, update_producer, setup_trigger, produce, trigger, scaffold_trigger, publish, pull

LOG = "@@ROOT@@/calls.log"

def rec(s):
    with open(LOG, "a") as f:
        f.write(s + "\\n")

@setup_instance
def edr_instance_setup(instance):
    rec("instance-setup " + instance.name)
    return {"id": "i-" + instance.name}

@teardown_instance
def edr_instance_teardown(instance, outputs):
    rec("instance-teardown " + instance.name + " " + str(outputs["id"]))

@read_instance
def edr_instance_read(instance, outputs):
    return {"exists": not os.path.exists("@@ROOT@@/gone-" + instance.name), "outputs": outputs}

@setup_producer("events", order=1)
def edr_setup(plug, instance):
    rec("setup " + plug.src + "->" + plug.dst)
    plug.set_secret("token", "tok-" + instance.name)
    return {"key": "k-" + plug.src, "batch": plug.settings.get("batch")}

@teardown_producer("events")
def edr_teardown(plug, outputs):
    rec("teardown " + plug.src + " " + str(outputs["key"]))
    plug.delete_secret("token")

@read_producer("events")
def edr_read(plug, outputs):
    return {"exists": not os.path.exists("@@ROOT@@/gone-" + plug.src), "outputs": outputs}

@update_producer("events")
def edr_update(outputs, changes):
    rec("update " + ",".join(c["path"] for c in changes))
    return dict(outputs, updated=True)

@setup_trigger("contain")
def edr_trigger_setup():
    return {}

@produce("events", role="producer")
def edr_produce(data, plug=None):
    rec("produce " + data)
    return {"sent": data, "to": plug.dst if plug else None, "token": plug.get_secret("token") if plug else None}

@trigger("contain")
def edr_trigger(instance, params):
    return {"by": instance.name, "params": params}

@scaffold_trigger("contain")
def edr_scaffold(integration, files):
    files.write("notes/" + integration.target_product + ".md", "# " + integration.topic + "\\n")

@publish(role="producer")
def edr_publish(integration=None):
    return {"published": integration.target_product + "/" + integration.topic if integration else None}

@pull
def edr_pull(path):
    rec("pull " + "/".join(path.split("/")[-2:]))
    return {"mirrored": True}
`;

const TS_SIEM = `import { setupConsumer, teardownConsumer, watch, setupExecutor, execute } from "meshroom/hooks";
setupConsumer("events", async function siem_setup({ plug }) { return { outputs: { intake: "in-" + plug.dst } }; });
teardownConsumer("events", async function siem_teardown() {});
watch("events", async function* siem_watch({ instance }) { for (let i = 1; ; i++) yield { n: i, on: instance.name }; }, { role: "consumer" });
setupExecutor("contain", async function siem_exec_setup() { return { outputs: { ready: true } }; });
execute("contain", async function siem_execute({ params }) { return { executed: params }; });
`;

const PY_SIEM = `from meshroom.decorators import setup_consumer, teardown_consumer, watch, setup_executor, execute

@setup_consumer("events")
def siem_setup(plug):
    return {"intake": "in-" + plug.dst}

@teardown_consumer("events")
def siem_teardown():
    pass

@watch("events", role="consumer")
def siem_watch(instance):
    i = 0
    while True:
        i += 1
        yield {"n": i, "on": instance.name}

@setup_executor("contain")
def siem_exec_setup():
    return {"ready": True}

@execute("contain")
def siem_execute(params):
    return {"executed": params}
`;

class Mesh {
  readonly root: string;
  constructor(readonly lang: "ts" | "py", base: string) {
    this.root = join(base, lang);
    const w = (rel: string, text: string) => {
      mkdirSync(dirname(join(this.root, rel)), { recursive: true });
      writeFileSync(join(this.root, rel), text.replaceAll("@@ROOT@@", this.root));
    };
    w("meshroom.yaml", "name: parity\n");
    w("products/edr/definition.yaml", "name: edr\nproduces:\n  events: [{}]\ntriggers:\n  contain: [{}]\n");
    w("products/siem/definition.yaml", "name: siem\nconsumes:\n  events: [{}]\nexecutes:\n  contain: [{}]\n");
    w(`products/edr/hooks.${lang}`, lang === "ts" ? TS_EDR : PY_EDR);
    w(`products/siem/hooks.${lang}`, lang === "ts" ? TS_SIEM : PY_SIEM);
    w("products/edr/integrations/siem/events_producer.yaml", "topic: events\nrole: producer\nplug_settings:\n  - { name: batch, type: integer, default: 1 }\n");
    w("instances/edr/edr1/config.yaml", "settings: {}\n");
    w("instances/siem/siem1/config.yaml", "settings: {}\n");
  }

  async cli(args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    stdin.end(input);
    let out = "";
    let err = "";
    stdout.on("data", (d) => (out += String(d)));
    stderr.on("data", (d) => (err += String(d)));
    const code = await main(["-p", this.root, "--no-color", ...args], { stdin, stdout, stderr, env: { ...process.env, CI: "true" } });
    process.exitCode = undefined;
    return { code, stdout: this.normal(out), stderr: this.normal(err) };
  }

  async ok(args: string[], input = ""): Promise<string> {
    const r = await this.cli(args, input);
    expect(r.code, `${this.lang}: meshroom ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.stdout;
  }

  /** What may differ: the hook file's name and the registrars' spelling (setup_producer / setupProducer). */
  normal(text: string): string {
    return text
      .replaceAll(this.root, "<root>")
      .replace(/hooks\.(ts|py)/g, "hooks.<lang>")
      .replace(/#([a-z]+(?:_[a-z]+)*):/g, (_, r: string) => `#${r.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}:`)
      .replace(/ after \d+(\.\d+)?s/g, "");
  }

  state(): unknown {
    const s = JSON.parse(this.normal(readFileSync(join(this.root, "meshroom.state.json"), "utf8"))) as Record<string, unknown>;
    // the lineage is random; the serial counts saves, which depend on timing (group commit)
    delete s.lineage;
    delete s.serial;
    return s;
  }

  calls(): string[] {
    const f = join(this.root, "calls.log");
    const lines = existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean) : [];
    rmSync(f, { force: true });
    return lines;
  }

  touch(rel: string): void {
    writeFileSync(join(this.root, rel), "");
  }
}

let base: string;
let ts: Mesh;
let py: Mesh;
const plan = (json: string): unknown => {
  const p = JSON.parse(json) as Record<string, unknown>;
  delete p.state_lineage;
  delete p.state_serial;
  // when the plan was made (terraform show -json's timestamp)
  delete p.timestamp;
  return p;
};
const both = async <T>(f: (m: Mesh) => Promise<T>): Promise<[T, T]> => [await f(ts), await f(py)];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "mr-parity-"));
  process.env.XDG_CONFIG_HOME = join(base, "config");
  ts = new Mesh("ts", base);
  py = new Mesh("py", base);
});
afterAll(() => {
  closePythonHosts();
  rmSync(base, { recursive: true, force: true });
});

describe("TypeScript and Python hooks", () => {
  it("give the same plans, states, outputs and results for every hook kind", async () => {
    await both((m) => m.ok(["secrets", "init", "--name", `parity-${m.lang}`]));
    // plugs resolve the same way (the hooks decide ownership)
    const [plugTs, plugPy] = await both((m) => m.ok(["plug", "events", "edr1", "siem1", "-c", "src.batch=5"]));
    expect(plugPy).toBe(plugTs);
    await both((m) => m.ok(["plug", "contain", "edr1", "siem1"]));
    for (const m of [ts, py]) expect(readFileSync(join(m.root, "instances/edr/edr1/plugs/siem1/events.yaml"), "utf8")).toBe(readFileSync(join(ts.root, "instances/edr/edr1/plugs/siem1/events.yaml"), "utf8"));

    const [planTs, planPy] = await both((m) => m.ok(["plan", "--json"]));
    expect(plan(planPy)).toEqual(plan(planTs));

    // setup, setupInstance: same state, same calls
    await both((m) => m.ok(["up"]));
    expect(py.state()).toEqual(ts.state());
    expect(py.calls()).toEqual(ts.calls());

    // read / readInstance: drift planned the same way
    for (const m of [ts, py]) m.touch("gone-edr1");
    const [driftTs, driftPy] = await both((m) => m.ok(["plan", "--json"]));
    expect(plan(driftPy)).toEqual(plan(driftTs));
    expect(plan(driftTs)).toMatchObject({ summary: { add: 3, destroy: 1 } });
    for (const m of [ts, py]) rmSync(join(m.root, "gone-edr1"));

    // update: an input change applied in place
    for (const m of [ts, py]) {
      const f = join(m.root, "instances/edr/edr1/plugs/siem1/events.yaml");
      const before = readFileSync(f, "utf8");
      writeFileSync(f, before.replace(/batch(["']?):\s*5/, "batch$1: 6"));
      expect(readFileSync(f, "utf8")).not.toBe(before);
    }
    const [updTs, updPy] = await both((m) => m.ok(["apply", "--auto-approve"]));
    expect(updPy).toBe(updTs);
    expect(py.state()).toEqual(ts.state());
    expect(py.calls()).toEqual(ts.calls());

    // produce, watch, trigger, execute
    const same = async (args: string[], input = ""): Promise<string> => {
      const [a, b] = await both((m) => m.ok(args, input));
      expect(b, `meshroom ${args.join(" ")}`).toBe(a);
      return a;
    };
    expect(await same(["produce", "events", "edr1", "siem1"], "a\nb\n")).toContain('"sent":"b"');
    expect(py.calls()).toEqual(ts.calls());
    expect(await same(["watch", "events", "edr1", "siem1", "--count", "3"])).toContain('{"n":3,"on":"siem1"}');
    expect(await same(["trigger", "contain", "edr1", "siem1", "-p", "host=h1", "-p", "n=2"])).toContain('"by":"edr1"');
    expect(await same(["execute", "contain", "edr1", "siem1", "-p", "host=h1"])).toContain('"executed":{"host":"h1"}');

    // scaffold (create integration), publish, pull
    const [createdTs, createdPy] = await both((m) => m.ok(["create", "integration", "edr", "siem", "contain", "trigger"]));
    expect(createdPy).toBe(createdTs);
    expect(readFileSync(join(py.root, "products/edr/integrations/siem/notes/siem.md"), "utf8")).toBe("# contain\n");
    expect(readFileSync(join(ts.root, "products/edr/integrations/siem/notes/siem.md"), "utf8")).toBe("# contain\n");
    expect(await same(["publish", "edr", "siem", "events", "producer"])).toContain("siem/events");
    await same(["pull", "edr"]);
    expect(py.calls()).toEqual(ts.calls());

    // teardown, teardownInstance
    const [downTs, downPy] = await both((m) => m.ok(["destroy", "--auto-approve"]));
    expect(downPy).toBe(downTs);
    expect(py.calls()).toEqual(ts.calls());
    expect(py.state()).toEqual(ts.state());
  });
});
