import type { Command } from "commander";
import { relative } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import { resolvePlugRequest, resolvePlugSettings, unplug, writePlug } from "../../engine/author/plug-operations.js";
import type { CliContext } from "../context.js";
import { collect, parseMode } from "../options.js";
import { projectRoot, refuseInCodeMesh } from "../project-root.js";
import { promptSetting } from "../prompt.js";
import { secretsOpener } from "../secrets-opener.js";
import { readSettingsInput } from "../settings-input.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("plug")
    .description("connect SRC to DST for TOPIC, choosing the integrations that can set it up")
    .argument("<topic>")
    .argument("<src>", "source instance (producer or trigger)")
    .argument("<dst>", "destination instance (consumer or executor)")
    .option("--mode <mode>", "push or pull")
    .option("--format <format>", "data format")
    .option("--owner <instance>", "prefer an integration of this instance that sets up both sides")
    .option("-c, --config <side.key=value>", "a plug setting: src.KEY=VALUE or dst.KEY=VALUE (repeatable)", collect)
    .option("-s, --secret <NAME>", "a secret plug setting, value read from one stdin line (repeatable)", collect)
    .action(async (topic: string, src: string, dst: string, opts: { mode?: string; format?: string; owner?: string; config?: string[]; secret?: string[] }) => {
      const root = projectRoot(ctx);
      await refuseInCodeMesh(root, "plug");
      // which integrations link two instances depends on their two products' hooks only
      const mesh = await loadMesh(root, { hooksOf: (p) => [src, dst].flatMap((i) => p.instances.get(i)?.product ?? []) });
      const mode = parseMode(opts.mode);
      const outcome = resolvePlugRequest(mesh, {
        topic, src, dst, ...(mode ? { mode } : {}), ...(opts.format ? { format: opts.format } : {}), ...(opts.owner ? { owner: opts.owner } : {}),
      });
      if (outcome.status === "exists") {
        ctx.out(`Plug ${src} -[${topic}]-> ${dst} (${outcome.plug.mode}) already exists: nothing to do.`);
        return;
      }
      const plug = outcome.plug;
      const input = await readSettingsInput(ctx, opts);
      const r = resolvePlugSettings(plug, input);
      if (ctx.interactive()) {
        // on a terminal: every plug setting of both ends that no flag gave, defaults shown
        const named = new Set([...input.values.map(([k]) => k), ...input.secrets.map(([k]) => k)]);
        for (const side of ["src", "dst"] as const) {
          for (const def of plug.plugSettings[side]) {
            if (named.has(def.secret ? def.name : `${side}.${def.name}`)) continue;
            const answer = await promptSetting(ctx, def, { current: r.settings[side][def.name] });
            if (!answer) continue;
            if (answer.secret) r.secrets[def.name] = String(answer.value);
            else r.settings[side][def.name] = answer.value;
          }
        }
      } else if (r.missing.length) {
        throw new MeshroomError("E_MISSING_VALUE", `plug settings required: ${r.missing.map((m) => `${m.side}.${m.def.name}`).join(", ")}`, {
          detail: r.missing.map((m) => (m.def.secret ? `-s ${m.def.name}` : `-c ${m.side}.${m.def.name}=…`)).join(" "),
        });
      }
      const file = await writePlug(mesh, plug, r.settings, r.secrets, secretsOpener(ctx, root));
      const who = plug.owner === "both" ? "each side sets up its end" : `${plug.owner} sets up both sides`;
      ctx.out(`Plugged ${src} -[${topic}]-> ${dst}: ${plug.mode}${plug.format ? `, ${plug.format}` : ""}, ${plug.kind}; ${who}.`);
      ctx.out(`  ${relative(root, file)} (run \`meshroom plan\` to see what apply will do)`);
    });

  program
    .command("unplug")
    .description("delete a plug (apply tears its setup down)")
    .argument("<topic>")
    .argument("<src>")
    .argument("<dst>")
    .option("--mode <mode>", "push or pull")
    .action(async (topic: string, src: string, dst: string, opts: { mode?: string }) => {
      const root = projectRoot(ctx);
      await refuseInCodeMesh(root, "unplug");
      // deleting a plug file needs no hook
      const mesh = await loadMesh(root, { hooksOf: () => [] });
      const mode = parseMode(opts.mode);
      const removed = unplug(mesh, topic, src, dst, mode);
      for (const p of removed) ctx.out(`Unplugged ${p.src} -[${p.topic}]-> ${p.dst} (${p.mode}); \`meshroom apply\` will tear down its setup.`);
    });
}
