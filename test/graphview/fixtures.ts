// In-memory builders for graphview tests: products, hooks, instances, plugs, and a generated mesh.
import type { Capability, HookDescriptor, Instance, Mode, Plug, Product, Role, SettingDef } from "../../src/model/index.js";

type CapSpec = [role: Role, topic: string, mode?: Mode, format?: string];

export function product(name: string, caps: CapSpec[] = [], settings: SettingDef[] = []): Product {
  const capabilities: Capability[] = caps.map(([role, topic, mode, format]) => ({
    product: name, role, topic, mode: mode ?? "push", ...(format !== undefined ? { format } : {}),
  }));
  return { name, description: `${name} product`, tags: ["EDR"], settings, capabilities, commandHooks: [], dir: `/p/products/${name}` };
}

let _n = 0;
export function hook(h: Partial<HookDescriptor> & Pick<HookDescriptor, "kind" | "product">): HookDescriptor {
  _n++;
  return {
    id: `${h.product}/${h.kind}/${String(_n).padStart(4, "0")}`, ownsBoth: false, keepWhenOverloaded: false,
    title: `${h.kind}${_n}`, timeout: 300, source: `/p/products/${h.product}/hooks.ts`, ...h,
  };
}

export function setting(name: string, extra: Partial<SettingDef> = {}): SettingDef {
  return { name, type: "string", required: false, secret: false, ...extra };
}

export function instance(name: string, productName: string, settings: Record<string, unknown> = {}): Instance {
  return { name, product: productName, settings, file: `/p/instances/${productName}/${name}/config.yaml` };
}

export function plug(p: Partial<Plug> & Pick<Plug, "src" | "dst" | "topic">): Plug {
  return { mode: "push", kind: "data", owner: "both", settings: { src: {}, dst: {} }, file: "/p/plug.yaml", ...p };
}

/**
 * A SOC-sized mesh: `n` instances over 8 products (sensors → forwarders → SIEMs → SOAR), each
 * sensor plugged to a forwarder, each forwarder to two SIEMs, each SIEM to the SOAR: about 1.2
 * plugs per instance. Statuses cycle through up / pending / tainted / not applied.
 */
export function generatedMesh(n: number) {
  const secret = setting("API_KEY", { secret: true });
  const products = new Map<string, Product>([
    ["edr", product("edr", [["producer", "events"]], [setting("region", { default: "eu" }), secret])],
    ["ndr", product("ndr", [["producer", "events"]], [secret])],
    ["waf", product("waf", [["producer", "events"]])],
    ["fwd", product("fwd", [["consumer", "events"], ["producer", "events", "push", "ecs"]])],
    ["siem", product("siem", [["consumer", "events", "push", "ecs"], ["producer", "alerts"]])],
    ["soar", product("soar", [["consumer", "alerts"]])],
  ]);
  const instances: Instance[] = [];
  const plugs: Plug[] = [];
  const nSoar = 1;
  const nSiem = Math.max(2, Math.round(n * 0.05));
  const nFwd = Math.max(2, Math.round(n * 0.15));
  const nSensor = n - nSoar - nSiem - nFwd;
  const sensorProducts = ["edr", "ndr", "waf"];
  instances.push(instance("soar0", "soar"));
  for (let i = 0; i < nSiem; i++) instances.push(instance(`siem${i}`, "siem", { retention_days: 30 + i }));
  for (let i = 0; i < nFwd; i++) instances.push(instance(`fwd${i}`, "fwd", { listen: `10.0.${i}.1:514` }));
  for (let i = 0; i < nSensor; i++) {
    instances.push(instance(`sensor${i}`, sensorProducts[i % 3]!, { site: `site-${i % 17}` }));
    plugs.push(plug({ src: `sensor${i}`, dst: `fwd${i % nFwd}`, topic: "events" }));
  }
  for (let i = 0; i < nFwd; i++) {
    plugs.push(plug({ src: `fwd${i}`, dst: `siem${i % nSiem}`, topic: "events", format: "ecs" }));
    plugs.push(plug({ src: `fwd${i}`, dst: `siem${(i + 1) % nSiem}`, topic: "events", format: "ecs" }));
  }
  for (let i = 0; i < nSiem; i++) plugs.push(plug({ src: `siem${i}`, dst: "soar0", topic: "alerts", mode: "pull" }));
  const statuses = new Map<string, string>();
  const cycle = ["ready", "pending", "tainted", undefined];
  instances.forEach((inst, i) => {
    const s = cycle[i % 4];
    if (s) statuses.set(`instance.${inst.name}`, s);
  });
  return { products, instances, plugs, statuses };
}
