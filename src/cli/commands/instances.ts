import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { addInstance, checkNewInstance, configureInstance, removeInstance, resolveSettings } from "../../engine/author/instance-operations.js";
import { readStateAddresses } from "../../engine/deploy/state-addresses.js";
import type { Product } from "../../model/index.js";
import { loadProject } from "../../project/load.js";
import type { CliContext } from "../context.js";
import { collect } from "../options.js";
import { projectRoot, refuseInCodeMesh } from "../project-root.js";
import { promptSetting } from "../prompt.js";
import { secretsOpener } from "../secrets-opener.js";
import { readSettingsInput, type SettingFlags } from "../settings-input.js";

/** Fills required values on a TTY, or fails naming them. */
async function completeSettings(ctx: CliContext, product: Product, r: ReturnType<typeof resolveSettings>, what: string): Promise<void> {
  if (r.missing.length === 0) return;
  if (!ctx.interactive()) {
    const names = r.missing.map((m) => m.name);
    throw new MeshroomError("E_MISSING_VALUE", `${what}: required setting${names.length > 1 ? "s" : ""} ${names.join(", ")} not given`, {
      detail: r.missing.map((m) => (m.secret ? `-s ${m.name} (value on stdin)` : `-c ${m.name}=…`)).join(" ") + ` (product ${product.name})`,
    });
  }
  for (const def of r.missing) {
    const { value, secret } = await promptSetting(ctx, def);
    if (secret) r.secrets[def.name] = String(value);
    else r.settings[def.name] = value;
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("add")
    .description("create an instance (a real tenant) of PRODUCT")
    .argument("<product>")
    .argument("[name]", "instance name (default: the product name)")
    .option("-c, --config <key=value>", "a setting, typed by the product's definition (repeatable)", collect)
    .option("-s, --secret <NAME>", "a secret setting, its value read from one stdin line (repeatable)", collect)
    .action(async (productName: string, name: string | undefined, flags: SettingFlags) => {
      const root = projectRoot(ctx);
      await refuseInCodeMesh(root, "add");
      const instanceName = name ?? productName;
      const project = await loadProject(root);
      const product = checkNewInstance(project, productName, instanceName);
      const input = await readSettingsInput(ctx, flags);
      const r = resolveSettings(product, input);
      await completeSettings(ctx, product, r, `instance ${instanceName}`);
      const file = await addInstance(project, { product: productName, name: instanceName, settings: r.settings, secrets: r.secrets }, secretsOpener(ctx, root));
      ctx.out(`Added instance ${instanceName} of ${productName}: ${relative(root, file)}`);
      const n = Object.keys(r.secrets).length;
      if (n) ctx.out(`  ${n} secret${n > 1 ? "s" : ""} stored in secrets.gpg`);
    });

  program
    .command("configure")
    .description("change settings or secrets of an instance")
    .argument("<instance>")
    .option("-c, --config <key=value>", "a setting (repeatable)", collect)
    .option("-s, --secret <NAME>", "a secret, value read from one stdin line (repeatable)", collect)
    .action(async (name: string, flags: SettingFlags) => {
      const root = projectRoot(ctx);
      await refuseInCodeMesh(root, "configure");
      const project = await loadProject(root);
      const inst = project.instances.get(name);
      if (!inst) throw new MeshroomError("E_NOT_FOUND", `instance ${name} not found`, { detail: "see `meshroom list instances`" });
      const product = project.products.get(inst.product)!;
      const input = await readSettingsInput(ctx, flags);
      if (input.values.length === 0 && input.secrets.length === 0) {
        throw new MeshroomError("E_USAGE", "nothing to configure: pass -c key=value and/or -s NAME");
      }
      const r = resolveSettings(product, input, inst.settings, false);
      r.missing = r.missing.filter((m) => !m.secret);
      await completeSettings(ctx, product, r, `instance ${name}`);
      await configureInstance(project, name, r.settings, r.secrets, secretsOpener(ctx, root));
      ctx.out(`Configured instance ${name}: ${[...Object.keys(r.settings), ...Object.keys(r.secrets).map((k) => `${k} (secret)`)].join(", ")}`);
    });

  program
    .command("remove")
    .description("delete an instance (refused while plugs or the state reference it)")
    .argument("<instance>")
    .option("--force", "remove it anyway, with the plugs to and from it")
    .action(async (name: string, opts: { force?: boolean }) => {
      const root = projectRoot(ctx);
      await refuseInCodeMesh(root, "remove");
      const project = await loadProject(root);
      const r = await removeInstance(project, name, {
        force: opts.force === true,
        stateAddresses: await readStateAddresses(root, project.settings, ctx.io.env),
        openSecrets: secretsOpener(ctx, root),
        hasSecrets: existsSync(join(root, "secrets.gpg")),
      });
      ctx.out(`Removed instance ${name}.`);
      for (const f of r.removedPlugFiles) ctx.out(`  removed plug ${relative(root, f)}`);
    });
}
