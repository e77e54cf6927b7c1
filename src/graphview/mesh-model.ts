import { type Instance, type Mode, type Plug, type SettingDef, SECRET_NAME_PATTERN, instanceAddress, plugAddress } from "../model/index.js";
import type { DetailRow, GraphView, ViewChange, ViewEdge, ViewNode, ViewStatus } from "./model.js";

/** A planned change as a saved plan holds it (structurally a `PlanChange` of src/plan). */
export interface PlanOverlayChange {
  address: string;
  action: "create" | "update" | "replace" | "delete" | "no-op";
  before?: { inputs: Readonly<Record<string, unknown>> } | null;
}

/** What the mesh view needs from a project: instances, their products' setting definitions, plugs. */
export interface MeshViewInput {
  instances: Iterable<Pick<Instance, "name" | "product" | "settings">>;
  products: ReadonlyMap<string, { settings: readonly SettingDef[] }>;
  plugs: readonly Pick<Plug, "src" | "dst" | "topic" | "mode" | "format" | "owner" | "kind">[];
  /** Address → status recorded in state ("ready" | "pending" | "tainted"); absent = not applied. */
  statuses: ReadonlyMap<string, string>;
  /** Changes of a saved plan to overlay. */
  plan?: readonly PlanOverlayChange[];
  title?: string;
}

/** State status (as the state file spells it) → what the picture says. */
export function viewStatusOf(recorded: string | undefined): ViewStatus {
  if (recorded === undefined) return "not applied";
  if (recorded === "tainted") return "tainted";
  if (recorded === "pending") return "pending change";
  return "up";
}

/** `events · pull · ecs` */
export function plugLabel(p: { topic: string; mode: Mode; format?: string | null | undefined }): string {
  return [p.topic, p.mode, ...(p.format ? [p.format] : [])].join(" · ");
}

function settingText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
}

/**
 * Side-panel rows of an instance: its product, each non-secret setting with its value, each
 * secret setting by name only. A setting is treated as secret when its product declares it so
 * or its name looks like one (`SECRET_NAME_PATTERN`), even if it sits in config.yaml by mistake.
 */
export function instanceDetails(
  inst: Pick<Instance, "name" | "product" | "settings">,
  defs: readonly SettingDef[],
): DetailRow[] {
  const rows: DetailRow[] = [{ kind: "field", name: "product", value: inst.product }];
  const secretNames = new Set(defs.filter((d) => d.secret).map((d) => d.name));
  const isSecret = (name: string) => secretNames.has(name) || SECRET_NAME_PATTERN.test(name);
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(inst.settings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    seen.add(name);
    rows.push(isSecret(name) ? { kind: "secret", name } : { kind: "setting", name, value: settingText(value) });
  }
  for (const d of defs) {
    if (seen.has(d.name)) continue;
    if (isSecret(d.name)) rows.push({ kind: "secret", name: d.name });
    else if (d.default !== undefined) rows.push({ kind: "setting", name: d.name, value: `${settingText(d.default)} (default)` });
  }
  return rows;
}

function stringOf(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * The mesh graph: one node per instance (name + product), one edge per plug (topic, mode,
 * format), each with its state status; with a plan, each changed resource carries its change,
 * and resources the plan deletes (gone from the project) are drawn from the plan's `before`.
 * Pure: everything comes in through `input`.
 */
export function buildMeshView(input: MeshViewInput): GraphView {
  const changes = new Map<string, PlanOverlayChange>();
  for (const c of input.plan ?? []) if (c.action !== "no-op") changes.set(c.address, c);
  const changeOf = (address: string): { change?: ViewChange } => {
    const c = changes.get(address);
    return c && c.action !== "no-op" ? { change: c.action } : {};
  };

  const nodes = new Map<string, ViewNode>();
  for (const inst of [...input.instances].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const address = instanceAddress(inst.name);
    const status = viewStatusOf(input.statuses.get(address));
    const ch = changeOf(address);
    const details = instanceDetails(inst, input.products.get(inst.product)?.settings ?? []);
    details.push({ kind: "field", name: "status", value: status });
    if (ch.change) details.push({ kind: "field", name: "plan", value: ch.change });
    nodes.set(inst.name, { id: inst.name, label: inst.name, sublabel: inst.product, kind: "instance", status, ...ch, details });
  }

  const edges: ViewEdge[] = [];
  const edgeIds = new Set<string>();
  for (const p of input.plugs) {
    const id = plugAddress(p.src, p.dst, p.topic, p.mode);
    edgeIds.add(id);
    const owner = p.owner === "both" ? "each side sets up its end" : `${p.owner} sets up both sides`;
    edges.push({
      id, from: p.src, to: p.dst, label: plugLabel(p), status: viewStatusOf(input.statuses.get(id)), ...changeOf(id),
      title: `${p.src} → ${p.dst}: ${p.topic} (${p.kind}, ${p.mode}${p.format ? `, ${p.format}` : ""}); ${owner}`,
    });
  }

  // Deleted by the plan, so no longer in the project: draw them from what the plan says they were.
  const deletes = [...changes.values()].filter((c) => c.action === "delete");
  for (const c of deletes) {
    if (!c.address.startsWith("instance.")) continue;
    const name = c.address.slice("instance.".length);
    if (nodes.has(name)) continue;
    const product = stringOf(c.before?.inputs["product"]) ?? "?";
    nodes.set(name, ghost(name, product, input.statuses.get(c.address), true));
  }
  for (const c of deletes) {
    const inputs = c.before?.inputs ?? {};
    if (c.address.startsWith("plug.") && !edgeIds.has(c.address)) {
      const src = stringOf(inputs["src"]);
      const dst = stringOf(inputs["dst"]);
      const topic = stringOf(inputs["topic"]);
      const mode: Mode = inputs["mode"] === "pull" ? "pull" : "push";
      if (!src || !dst || !topic) continue;
      for (const n of [src, dst]) if (!nodes.has(n)) nodes.set(n, ghost(n, "?", input.statuses.get(instanceAddress(n)), false));
      edges.push({
        id: c.address, from: src, to: dst, label: plugLabel({ topic, mode, format: stringOf(inputs["format"]) }),
        status: viewStatusOf(input.statuses.get(c.address)), change: "delete", title: `${src} → ${dst}: ${topic} (to be deleted)`,
      });
    }
  }
  for (const e of edges) {
    for (const n of [e.from, e.to]) if (!nodes.has(n)) nodes.set(n, ghost(n, "?", undefined, false));
  }

  return {
    kind: "mesh",
    title: input.title ?? "meshroom mesh",
    nodes: [...nodes.values()],
    edges: edges.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    planOverlay: input.plan !== undefined,
  };
}

/** An instance known only from a plan or a plug: not in the project (any more). */
function ghost(name: string, product: string, recorded: string | undefined, deleted: boolean): ViewNode {
  const status = viewStatusOf(recorded);
  const details: DetailRow[] = [
    { kind: "field", name: "product", value: product },
    { kind: "field", name: "status", value: status },
    { kind: "field", name: "plan", value: deleted ? "delete (no longer in the project)" : "not in the project" },
  ];
  return { id: name, label: name, sublabel: product, kind: "instance", status, ...(deleted ? { change: "delete" as const } : {}), details };
}
