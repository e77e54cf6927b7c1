// A temp meshroom project on disk with real TypeScript hook files that record every call in
// calls.log (and fail once when a `fail-<title>` file exists), plus an in-process CLI runner.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface Side { product: string; role: string; explicit?: boolean }

/** A product-wide hook file: setup/teardown for `role` on `topic`, plus optional instance hooks. */
export function hookFile(product: string, opts: { role: "Producer" | "Consumer"; topic: string; ownsBoth?: boolean; instanceHooks?: boolean; update?: boolean }): string {
  const t = `${product}-${opts.role.toLowerCase()}`;
  return `import { setup${opts.role}, teardown${opts.role}, update${opts.role}, setupInstance, teardownInstance } from "meshroom/hooks";
import { appendFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
async function rec(what: string, title: string) {
  const dir = process.env.MESHROOM_TEST_DIR;
  if (!dir) return;
  const ms = Number(process.env.MESHROOM_TEST_SLEEP_MS ?? "0");
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  const fail = join(dir, "fail-" + title);
  if (existsSync(fail)) { rmSync(fail); throw new Error("planned failure of " + title); }
  appendFileSync(join(dir, "calls.log"), what + "\\n");
}
setup${opts.role}("${opts.topic}", async ({ plug }) => {
  await rec(\`${t}-setup \${plug.src}->\${plug.dst} \${plug.mode}\`, "${t}-setup");
  return { outputs: { ${product}_key: "k-" + plug.src + "-" + plug.dst } };
}, { title: "${t}-setup"${opts.ownsBoth ? ", ownsBoth: true" : ""} });
teardown${opts.role}("${opts.topic}", async ({ plug, outputs }) => {
  await rec(\`${t}-teardown \${plug.src}->\${plug.dst} \${plug.mode} \${String(outputs.${product}_key)}\`, "${t}-teardown");
}, { title: "${t}-teardown" });
${opts.update ? `update${opts.role}("${opts.topic}", async ({ plug, changes }) => {
  await rec(\`${t}-update \${plug.src}->\${plug.dst} \${changes.map((c) => c.path).join(",")}\`, "${t}-update");
}, { title: "${t}-update" });` : ""}
${opts.instanceHooks ? `setupInstance(async ({ instance }) => { await rec(\`${product}-instance-setup \${instance.name}\`, "${product}-instance-setup"); return { outputs: { id: "i-" + instance.name } }; }, { title: "${product}-instance-setup" });
teardownInstance(async ({ instance, outputs }) => { await rec(\`${product}-instance-teardown \${instance.name} \${String(outputs.id)}\`, "${product}-instance-teardown"); }, { title: "${product}-instance-teardown" });` : ""}
`;
}

export class MeshProject {
  readonly root = mkdtempSync(join(tmpdir(), "meshroom-engine-"));

  constructor() {
    this.write("meshroom.yaml", "name: test\n");
    mkdirSync(join(this.root, "products"), { recursive: true });
    mkdirSync(join(this.root, "instances"), { recursive: true });
  }

  write(rel: string, content: string): string {
    const full = join(this.root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  }

  product(name: string, definition: string, hooks?: string): this {
    this.write(`products/${name}/definition.yaml`, definition);
    if (hooks) this.write(`products/${name}/hooks.ts`, hooks);
    return this;
  }

  instance(product: string, name: string, settings: Record<string, unknown> = {}): this {
    this.write(`instances/${product}/${name}/config.yaml`, `settings: ${JSON.stringify(settings)}\n`);
    return this;
  }

  /** A plug file as `meshroom plug` would write it (generic integrations on both sides). */
  plug(p: {
    srcProduct: string; src: string; dstProduct: string; dst: string; topic: string; mode?: "push" | "pull"; owner?: string; kind?: "data" | "action";
    settings?: { src?: object; dst?: object }; srcRole?: string; dstRole?: string;
    /** Sides served by an explicit integration (its YAML file written with `integration()`). */
    explicit?: { src?: boolean; dst?: boolean };
  }): this {
    const mode = p.mode ?? "push";
    const ref = (product: string, target: string, role: string, explicit = false) => ({ product, target, topic: p.topic, role, mode, explicit });
    const doc = {
      kind: p.kind ?? "data",
      owner: p.owner ?? "both",
      src_integration: ref(p.srcProduct, p.dstProduct, p.srcRole ?? "producer", p.explicit?.src),
      dst_integration: ref(p.dstProduct, p.srcProduct, p.dstRole ?? "consumer", p.explicit?.dst),
      settings: { src: p.settings?.src ?? {}, dst: p.settings?.dst ?? {} },
    };
    this.write(`instances/${p.srcProduct}/${p.src}/plugs/${p.dst}/${mode === "pull" ? `${p.topic}_pull` : p.topic}.yaml`, JSON.stringify(doc, null, 2) + "\n");
    return this;
  }

  /** An explicit integration of PRODUCT towards TARGET (push mode), declaring these plug settings. */
  integration(product: string, target: string, topic: string, role: string, plugSettings: object[] = []): this {
    this.write(`products/${product}/integrations/${target}/${topic}_${role}.yaml`, JSON.stringify({ plug_settings: plugSettings }) + "\n");
    return this;
  }

  removePlug(srcProduct: string, src: string, dst: string, topic: string): void {
    rmSync(join(this.root, `instances/${srcProduct}/${src}/plugs/${dst}/${topic}.yaml`));
  }

  calls(): string[] {
    const f = join(this.root, "calls.log");
    return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean) : [];
  }

  clearCalls(): void {
    rmSync(join(this.root, "calls.log"), { force: true });
  }

  failOnce(title: string): void {
    this.write(`fail-${title}`, "");
  }

  state(): { serial: number; lineage: string; resources: Array<{ address: string; status: string; steps_done: Array<{ id: string; side?: string; outputs: Record<string, unknown> }>; pending_step?: unknown; outputs: Record<string, unknown> }> } {
    return JSON.parse(readFileSync(join(this.root, "meshroom.state.json"), "utf8"));
  }

  /** Runs the CLI in-process with captured output. */
  async cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    process.env.MESHROOM_TEST_DIR = this.root;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    stdin.end();
    let out = "";
    let err = "";
    stdout.on("data", (d) => (out += String(d)));
    stderr.on("data", (d) => (err += String(d)));
    process.exitCode = undefined;
    const code = await main(["-p", this.root, "--no-color", ...args], { stdin, stdout, stderr, env: { ...process.env, CI: "true" } });
    process.exitCode = undefined;
    return { code, stdout: out, stderr: err };
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const EDR_DEF = "settings:\n  - { name: url, type: string }\nproduces:\n  events:\n    - {}\n    - { mode: pull }\n";
export const SIEM_DEF = "settings:\n  - { name: port, type: integer }\nconsumes:\n  events:\n    - {}\n    - { mode: pull }\n  threats:\n    - {}\n";
export const TIP_DEF = "produces:\n  threats:\n    - {}\n";

/** edr1 → siem1 (events), with hooks on both sides and instance hooks on edr. */
export function basicMesh(mode: "push" | "pull" = "push", opts: { update?: boolean } = {}): MeshProject {
  const m = new MeshProject();
  m.product("edr", EDR_DEF, hookFile("edr", { role: "Producer", topic: "events", instanceHooks: true, ...opts }));
  m.product("siem", SIEM_DEF, hookFile("siem", { role: "Consumer", topic: "events", ...opts }));
  m.instance("edr", "edr1", { url: "https://edr" }).instance("siem", "siem1", { port: 8514 });
  m.plug({ srcProduct: "edr", src: "edr1", dstProduct: "siem", dst: "siem1", topic: "events", mode });
  return m;
}

/**
 * edr1 → siem1 (events) whose producer setup hook runs `producerBody` (TypeScript statements),
 * titled `producerTitle`; the EDR's instance hook and the SIEM's consumer hook just succeed.
 */
export function producerBodyMesh(producerBody: string, producerTitle: string): MeshProject {
  const m = new MeshProject();
  m.product("edr", EDR_DEF, `import { setupProducer, setupInstance } from "meshroom/hooks";
setupInstance(async () => ({ outputs: { id: "edr-1" } }), { title: "register the EDR" });
setupProducer("events", async () => { ${producerBody} }, { title: ${JSON.stringify(producerTitle)} });
`);
  m.product("siem", SIEM_DEF, `import { setupConsumer } from "meshroom/hooks";
setupConsumer("events", async () => ({ outputs: { k: 1 } }), { title: "open the SIEM input" });
`);
  m.instance("edr", "edr1", { url: "https://edr" }).instance("siem", "siem1", { port: 8514 });
  m.plug({ srcProduct: "edr", src: "edr1", dstProduct: "siem", dst: "siem1", topic: "events" });
  return m;
}
