import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { MeshroomError, throwIfDiagnostics } from "../../errors/index.js";
import { addInstance, checkNewInstance, configureInstance, removeInstance, resolveSettings, type SettingsInput } from "../../engine/author/instance-operations.js";
import { readStateAddresses } from "../../engine/deploy/state-addresses.js";
import type { Product } from "../../model/index.js";
import { loadProject, loadProjectWithDiagnostics } from "../../project/load.js";
import type { CliContext } from "../context.js";
import { collect } from "../options.js";
import { projectRoot, refuseInCodeMesh } from "../project-root.js";
import { promptSetting } from "../prompt.js";
import { secretsOpener } from "../secrets-opener.js";
import { readSettingsInput, type SettingFlags } from "../settings-input.js";

/**
 * On a TTY, asks for every setting and secret not given by a flag (the current or default value
 * shown as the default; `keepSecrets`: an empty secret keeps the stored one); else fails naming
 * the required ones still missing.
 */
async function completeSettings(
  ctx: CliContext, product: Product, r: ReturnType<typeof resolveSettings>, what: string,
  given: SettingsInput, current: Record<string, unknown> = {}, keepSecrets = false,
): Promise<void> {
  if (ctx.interactive()) {
    const named = new Set([...given.values.map(([k]) => k), ...given.secrets.map(([k]) => k)]);
    for (const def of product.settings) {
      if (named.has(def.name)) continue;
      const answer = await promptSetting(ctx, def, { current: r.settings[def.name] ?? current[def.name], hasValue: def.secret && keepSecrets });
      if (!answer) continue;
      if (answer.secret) r.secrets[def.name] = String(answer.value);
      else r.settings[def.name] = answer.value;
    }
    return;
  }
  if (r.missing.length === 0) return;
  const names = r.missing.map((m) => m.name);
  throw new MeshroomError("E_MISSING_VALUE", `${what}: required setting${names.length > 1 ? "s" : ""} ${names.join(", ")} not given`, {
    detail: r.missing.map((m) => (m.secret ? `-s ${m.name} (value on stdin)` : `-c ${m.name}=…`)).join(" ") + ` (product ${product.name})`,
  });
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
      await completeSettings(ctx, product, r, `instance ${instanceName}`, input);
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
      // problems in this instance's own config.yaml (a required setting missing) are what
      // configure fixes: only the others stop it
      const { project, diagnostics } = await loadProjectWithDiagnostics(root);
      const inst = project.instances.get(name);
      const own = inst ? relative(root, inst.file) : undefined;
      throwIfDiagnostics(diagnostics.filter((d) => d.location?.file !== own), `project ${root} is invalid (run \`meshroom validate\` to see every problem)`);
      if (!inst) throw new MeshroomError("E_NOT_FOUND", `instance ${name} not found`, { detail: "see `meshroom list instances`" });
      const product = project.products.get(inst.product)!;
      const input = await readSettingsInput(ctx, flags);
      const flagged = input.values.length > 0 || input.secrets.length > 0;
      if (!flagged && !ctx.interactive()) {
        throw new MeshroomError("E_USAGE", "nothing to configure: pass -c key=value and/or -s NAME", {
          detail: "on a terminal, `meshroom configure INSTANCE` with no flag asks for every setting, its current value as the default",
        });
      }
      const r = resolveSettings(product, input, inst.settings, false);
      r.missing = r.missing.filter((m) => !m.secret);
      // with flags, only what they name changes; with none, on a terminal, every setting is asked
      if (flagged) await completeSettings({ ...ctx, interactive: () => false }, product, r, `instance ${name}`, input);
      else await completeSettings(ctx, product, r, `instance ${name}`, input, inst.settings, true);
      if (Object.keys(r.settings).length === 0 && Object.keys(r.secrets).length === 0) return ctx.out(`Nothing changed for instance ${name}.`);
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
