import type { Command } from "commander";
import { type Capability, type Product, plugAddress } from "../../model/index.js";
import type { Project } from "../../project/project.js";
import { loadProject } from "../../project/load.js";
import { TEMPLATES } from "../../project/templates/catalog.js";
import type { CliContext } from "../context.js";
import { parseMode } from "../options.js";
import { projectRoot } from "../project-root.js";
import { renderTable } from "../views/table.js";
import { registerListIntegrations } from "./list-integrations.js";

function capLabel(c: Capability): string {
  return `${c.role}:${c.topic}${c.mode === "pull" ? "@pull" : ""}${c.format ? `:${c.format}` : ""}`;
}

/**
 * Declared capabilities plus those implied by product-wide setup hooks (trusted hook files are
 * imported, never run; an untrusted product shows what its definition declares).
 */
async function wideCapabilities(p: Project, note: (line: string) => void): Promise<(x: Product) => Capability[]> {
  const [{ loadHooks }, { effectiveCapabilities }, { describeUntrusted, untrustedIn, withoutHookFilesOf }] = await Promise.all([
    import("../../hooks/index.js"), import("../../capabilities/index.js"), import("../../mesh/trust.js"),
  ]);
  const untrusted = untrustedIn(p);
  for (const t of untrusted) note(`Note: ${describeUntrusted(t)}: capabilities its hook files add are not shown (untrusted: meshroom trust ${t.product})`);
  const files = withoutHookFilesOf(p.hookFiles, new Set(untrusted.map((t) => t.product))).files;
  const hooks = (await loadHooks({ root: p.root, products: [...p.products.values()], integrations: p.integrations, files })).descriptors();
  return (x) => effectiveCapabilities(x, hooks);
}

/** The project with the instances and plugs of its mesh: a code mesh's come from its synthesized document. */
async function meshOf(p: Project): Promise<Project> {
  return (await (await import("../../engine/deploy/code-mesh.js")).withMeshOf(p)).project;
}

function countBy<T>(items: Iterable<T>, key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

function matches(search: string | undefined, ...fields: string[]): boolean {
  if (!search) return true;
  const s = search.toLowerCase();
  return fields.some((f) => f.toLowerCase().includes(s));
}

export function register(program: Command, ctx: CliContext): void {
  const list = program.command("list").description("list products, integrations, instances, plugs or templates");
  const print = (json: boolean | undefined, rows: object[], headers: string[], cells: (r: never) => string[], empty: string) => {
    if (json) ctx.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) ctx.out(empty);
    else ctx.out(renderTable(headers, rows.map((r) => cells(r as never))));
  };

  list
    .command("products")
    .argument("[search]", "substring of the name, description or tags")
    .option("--tag <tag>", "only products with this tag")
    .option("--wide", "show every capability, including those implied by setup hooks (loads the hook files)")
    .option("--json", "print JSON")
    .action(async (search: string | undefined, opts: { tag?: string; wide?: boolean; json?: boolean }) => {
      const p = await loadProject(projectRoot(ctx));
      const capsOf = opts.wide ? await wideCapabilities(p, (l) => ctx.err(l)) : (x: Product) => x.capabilities;
      const integrationsOf = countBy(p.integrations, (i) => i.product);
      const instancesOf = countBy(p.instances.values(), (i) => i.product);
      const rows = [...p.products.values()]
        .filter((x) => matches(search, x.name, x.description, ...x.tags))
        .filter((x) => !opts.tag || x.tags.some((t) => t.toLowerCase() === opts.tag!.toLowerCase()))
        .map((x) => ({
          name: x.name,
          description: x.description,
          tags: x.tags,
          capabilities: capsOf(x).map((c) => ({ role: c.role, topic: c.topic, mode: c.mode, ...(c.format ? { format: c.format } : {}) })),
          integrations: integrationsOf.get(x.name) ?? 0,
          instances: instancesOf.get(x.name) ?? 0,
        }));
      type Row = (typeof rows)[number];
      const headers = opts.wide ? ["name", "tags", "integrations", "instances", "capabilities"] : ["name", "tags", "capabilities", "integrations", "instances"];
      print(opts.json, rows, headers, (r: Row) => {
        const caps = opts.wide ? r.capabilities.map((c) => capLabel({ product: r.name, ...c })).join(" ") : String(r.capabilities.length);
        return opts.wide
          ? [r.name, r.tags.join(","), String(r.integrations), String(r.instances), caps]
          : [r.name, r.tags.join(","), caps, String(r.integrations), String(r.instances)];
      }, "No products. Create one with `meshroom create product NAME --from TEMPLATE`.");
    });

  list
    .command("instances")
    .argument("[search]")
    .option("--product <product>", "only instances of this product")
    .option("--json", "print JSON")
    .action(async (search: string | undefined, opts: { product?: string; json?: boolean }) => {
      const root = projectRoot(ctx);
      const p = await meshOf(await loadProject(root));
      const state = await (await import("../../engine/deploy/state-addresses.js")).readStateStatuses(root, p.settings, ctx.io.env);
      const rows = [...p.instances.values()]
        .filter((i) => matches(search, i.name, i.product) && (!opts.product || i.product === opts.product))
        .map((i) => ({
          name: i.name,
          product: i.product,
          settings: i.settings,
          plugs: p.plugs.filter((x) => x.src === i.name || x.dst === i.name).length,
          status: state.get(`instance.${i.name}`) ?? "not applied",
        }));
      type Row = (typeof rows)[number];
      print(opts.json, rows, ["name", "product", "plugs", "status"], (r: Row) => [r.name, r.product, String(r.plugs), r.status], "No instances. Add one with `meshroom add PRODUCT NAME`.");
    });

  list
    .command("plugs")
    .argument("[src]")
    .argument("[dst]")
    .option("--topic <topic>")
    .option("--mode <mode>")
    .option("--json", "print JSON")
    .action(async (src: string | undefined, dst: string | undefined, opts: { topic?: string; mode?: string; json?: boolean }) => {
      const root = projectRoot(ctx);
      const p = await meshOf(await loadProject(root));
      const mode = parseMode(opts.mode);
      const state = await (await import("../../engine/deploy/state-addresses.js")).readStateStatuses(root, p.settings, ctx.io.env);
      const rows = p.plugs
        .filter((x) => (!src || x.src === src) && (!dst || x.dst === dst) && (!opts.topic || x.topic === opts.topic) && (!mode || x.mode === mode))
        .map((x) => {
          const address = plugAddress(x.src, x.dst, x.topic, x.mode);
          return { address, src: x.src, dst: x.dst, topic: x.topic, mode: x.mode, format: x.format ?? null, kind: x.kind, owner: x.owner, status: state.get(address) ?? "not applied" };
        });
      type Row = (typeof rows)[number];
      print(opts.json, rows, ["src", "dst", "topic", "mode", "format", "kind", "owner", "status"],
        (r: Row) => [r.src, r.dst, r.topic, r.mode, r.format ?? "", r.kind, r.owner, r.status], "No plugs. Create one with `meshroom plug TOPIC SRC DST`.");
    });

  list
    .command("templates")
    .description("the product templates shipped with meshroom")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const rows = TEMPLATES.map((t) => ({ name: t.name, title: t.title, tags: t.tags, description: t.description }));
      type Row = (typeof rows)[number];
      print(opts.json, rows, ["name", "title", "tags"], (r: Row) => [r.name, r.title, r.tags.join(",")], "");
    });

  registerListIntegrations(list, ctx);
}
