import type { Command } from "commander";
import { join, relative } from "node:path";
import { TRUST_LOCK_FILE } from "../../project/trust-lock.js";
import { createCapability, createIntegration, createProduct, integrationWrites, writeIntegrationPythonStarter } from "../../engine/author/create-operations.js";
import { allOrNothing } from "../../project/all-or-nothing.js";
import { HOOK_LANGS, type HookLang } from "../../project/templates/python-starters.js";
import { MeshroomError } from "../../errors/index.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import { runScaffoldHooks } from "../../engine/author/scaffold-hooks.js";
import { keepingTrust } from "../../mesh/trust.js";
import { cliHookDeps } from "../hook-deps.js";
import type { CliContext } from "../context.js";
import { parseMode, parseRole } from "../options.js";
import { projectRoot } from "../project-root.js";

function parseLang(lang: string | undefined): HookLang {
  if (lang === undefined) return "ts";
  if ((HOOK_LANGS as readonly string[]).includes(lang)) return lang as HookLang;
  throw new MeshroomError("E_BAD_VALUE", `--lang must be one of ${HOOK_LANGS.join(", ")}, got ${JSON.stringify(lang)}`);
}

export function register(program: Command, ctx: CliContext): void {
  const create = program.command("create").description("scaffold products, capabilities and integrations");

  create
    .command("product")
    .description("scaffold products/NAME/ with a definition.yaml and a commented hooks file")
    .argument("<name>", "product name")
    .option("--from <template>", "start from a shipped template (see `meshroom list templates`)")
    .option("--lang <lang>", "language of the starter hooks file: ts (hooks.ts, default) or py (hooks.py)")
    .action(async (name: string, opts: { from?: string; lang?: string }) => {
      const root = projectRoot(ctx);
      const r = await createProduct(root, name, opts.from, parseLang(opts.lang));
      ctx.out(`Created product ${name}${opts.from ? ` from template ${opts.from}` : ""}:`);
      for (const f of r.files) ctx.out(`  ${relative(root, f)}`);
    });

  create
    .command("capability")
    .description("declare that PRODUCT produces/consumes/triggers/executes TOPIC")
    .argument("<product>")
    .argument("<topic>")
    .argument("<role>", "producer | consumer | trigger | executor")
    .option("--mode <mode>", "push (default) or pull")
    .option("--format <format>", "data format (unset matches any)")
    .action(async (product: string, topic: string, role: string, opts: { mode?: string; format?: string }) => {
      const r = parseRole(role);
      const mode = parseMode(opts.mode) ?? "push";
      const root = projectRoot(ctx);
      await keepingTrust(root, [product], () => createCapability(root, { product, topic, role: r, mode, ...(opts.format ? { format: opts.format } : {}) }));
      ctx.out(`Added capability: ${product} ${r} ${topic} (${mode}${opts.format ? `, ${opts.format}` : ""}).`);
    });

  create
    .command("integration")
    .description("write an explicit integration PRODUCT → TARGET and declare both capabilities")
    .argument("<product>")
    .argument("<target>")
    .argument("<topic>")
    .argument("<role>", "role of PRODUCT: producer | consumer | trigger | executor")
    .option("--mode <mode>", "push (default) or pull")
    .option("--format <format>", "data format")
    .option("--lang <lang>", "py: also write a starter Python hooks file next to the integration's YAML")
    .action(async (product: string, target: string, topic: string, role: string, opts: { mode?: string; format?: string; lang?: string }) => {
      const root = projectRoot(ctx);
      const lang = opts.lang === undefined ? undefined : parseLang(opts.lang);
      const req = { product, target, topic, role: parseRole(role), mode: parseMode(opts.mode) ?? "push", ...(opts.format ? { format: opts.format } : {}) };
      // what meshroom writes at the user's request, and what the product's own (trusted) scaffold
      // hooks write, keeps a trusted product trusted
      // all or nothing: a scaffold hook that fails takes the integration, its capabilities and
      // the lock entries written for them back out
      const { r, ran, py } = await allOrNothing(root, [...integrationWrites(root, req), join(root, TRUST_LOCK_FILE)], async () => {
        const r = await keepingTrust(root, [product, target], () => createIntegration(root, req));
        const py = lang === "py" ? await keepingTrust(root, [product], async () => writeIntegrationPythonStarter(root, req, r.file)) : undefined;
        const deps = cliHookDeps(ctx, root);
        try {
          const ran = await keepingTrust(root, [product], async () => runScaffoldHooks(await loadMesh(root, { hooksOf: () => [product] }), { ...req, file: r.file }, deps));
          return { r, ran, py };
        } finally {
          deps.dispose();
        }
      });
      ctx.out(`Created integration ${relative(root, r.file)}`);
      if (py) ctx.out(`  starter hooks: ${relative(root, py)}`);
      for (const c of r.addedCapabilities) ctx.out(`  added capability: ${c}`);
      for (const t of ran) ctx.out(`  scaffold hook: ${t}`);
    });
}
