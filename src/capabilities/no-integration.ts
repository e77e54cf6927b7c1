import type { Mode, Role } from "../model/index.js";
import { MeshroomError } from "../errors/index.js";
import type { Integration } from "./integration.js";

interface Side {
  instance: string;
  product: string;
  found: readonly Integration[];
}

export interface NoIntegrationContext {
  topic: string;
  mode?: Mode;
  format?: string;
  owner?: string;
  src: Side;
  dst: Side;
}

/** "generic producer (no hook)", "explicit consumer ecs pull (owns self)". */
export function describeIntegration(i: Integration): string {
  let s = `${i.explicit ? "explicit" : "generic"} ${i.role}`;
  if (i.format !== undefined) s += ` ${i.format}`;
  if (i.mode === "pull") s += " pull";
  return `${s} (${i.ownership})`;
}

function _describeSide(found: readonly Integration[]): string {
  return found.length === 0 ? "nothing" : found.map(describeIntegration).join(", ");
}

/** `meshroom create integration <product> <target> <topic> <role> [--mode M] [--format F]` */
export function createIntegrationCommand(product: string, target: string, topic: string, role: Role, mode?: Mode, format?: string): string {
  let cmd = `meshroom create integration ${product} ${target} ${topic} ${role}`;
  if (mode !== undefined && mode !== "push") cmd += ` --mode ${mode}`;
  if (format !== undefined) cmd += ` --format ${format}`;
  return cmd;
}

/**
 * The E_NO_INTEGRATION error of `plug`: what each side has, and the exact commands that
 * create the missing integrations (which then need a setup hook).
 */
export function noIntegrationError(ctx: NoIntegrationContext): MeshroomError {
  const all = [...ctx.src.found, ...ctx.dst.found];
  const action = all.length > 0 && all.every((i) => i.role === "trigger" || i.role === "executor");
  const [srcRole, dstRole]: [Role, Role] = action ? ["trigger", "executor"] : ["producer", "consumer"];
  // push is the default mode: suggest pull only when nothing found on either side is push
  const mode = ctx.mode ?? (all.length > 0 && all.every((i) => i.mode === "pull") ? "pull" : undefined);
  const format = ctx.format ?? all.find((i) => i.format !== undefined)?.format;
  const hooked = (s: Side) => s.found.some((i) => i.ownership !== "no hook");

  const srcCmd = createIntegrationCommand(ctx.src.product, ctx.dst.product, ctx.topic, srcRole, mode, format);
  const dstCmd = createIntegrationCommand(ctx.dst.product, ctx.src.product, ctx.topic, dstRole, mode, format);
  let commands: string[];
  if (ctx.owner === ctx.src.instance) commands = [srcCmd];
  else if (ctx.owner === ctx.dst.instance) commands = [dstCmd];
  else {
    commands = [];
    if (!hooked(ctx.src)) commands.push(srcCmd);
    if (!hooked(ctx.dst)) commands.push(dstCmd);
    if (commands.length === 0) commands = [srcCmd, dstCmd];
  }

  const what = `${ctx.src.instance} → ${ctx.dst.instance} ${ctx.topic}${ctx.mode ? ` (${ctx.mode})` : ""}${ctx.format ? ` [${ctx.format}]` : ""}`;
  const message =
    `cannot plug ${what}: source side has ${_describeSide(ctx.src.found)}; ` +
    `destination side has ${_describeSide(ctx.dst.found)}`;
  const ownsBothWhere = ctx.owner !== undefined ? `on ${ctx.owner}'s side` : "on one side";
  const detail = [
    `a plug needs a setup hook on each side, or a setup hook with \`ownsBoth: true\` ${ownsBothWhere}; create the missing integration${commands.length > 1 ? "s" : ""}:`,
    ...commands.map((c) => `  ${c}`),
    "then write its setup hook in a .ts file with the same name next to the integration's YAML (products/<product>/integrations/<target>/<stem>.ts) and run the plug command again",
  ].join("\n");
  return new MeshroomError("E_NO_INTEGRATION", message, { detail });
}
