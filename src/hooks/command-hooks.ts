import { resolve } from "node:path";
import { stderrTail } from "../exec/index.js";
import type { CommandHookDecl } from "../model/index.js";
import type { RawHook } from "./descriptor.js";
import type { HookFn } from "./registry.js";
import type { HookContext, InstanceContext, PlugContext } from "./types.js";


/** The registration part of a YAML command hook (its options are checked like a TS hook's). */
export function commandHookRaw(decl: CommandHookDecl): RawHook {
  const opts: Record<string, unknown> = {};
  for (const k of ["mode", "format", "order", "ownsBoth", "keepWhenOverloaded", "title", "timeout", "env"] as const) {
    if (decl[k] !== undefined) opts[k] = decl[k];
  }
  // the options passed CommandHookSchema, which is at least as strict as the hook options' schema
  const raw: RawHook = { registrar: `command hook (${decl.kind})`, kind: decl.kind, opts, defaultTitle: `run ${decl.run.join(" ")}`, optsChecked: true };
  if (decl.role !== undefined) raw.role = decl.role;
  if (decl.topic !== undefined) raw.topic = decl.topic;
  if (decl.target !== undefined) raw.target = decl.target;
  return raw;
}

/**
 * The body of a command hook: runs `run` in `dir` with the context as JSON on stdin (secrets
 * only those listed in `secrets`), reads a JSON result from stdout. Its environment is a hook
 * program's (`ctx.exec`): the base set, the names listed in `env`, MESHROOM_HOOK_KIND and
 * MESHROOM_ADDRESS. A non-zero exit fails with
 * stderr as the message (the runner redacts and wraps it).
 */
export function commandHookFn(decl: CommandHookDecl, dir: string): HookFn {
  const [cmd0, ...args] = decl.run as [string, ...string[]];
  const cmd = cmd0.startsWith("./") || cmd0.startsWith("../") ? resolve(dir, cmd0) : cmd0;
  return async (ctx: HookContext) => {
    const input = JSON.stringify(await contextJson(ctx, decl.kind, decl.secrets ?? []));
    const r = await ctx.exec(cmd, args, {
      cwd: dir,
      input,
      reject: false,
      env: { MESHROOM_HOOK_KIND: decl.kind, MESHROOM_ADDRESS: ctx.address },
    });
    if (r.exitCode !== 0) {
      const text = stderrTail(r.stderr.trim());
      throw new Error(text ? `${decl.run.join(" ")} exited with code ${r.exitCode}: ${text}` : `${decl.run.join(" ")} exited with code ${r.exitCode}`);
    }
    const out = r.stdout.trim();
    if (out === "") return undefined;
    try {
      return JSON.parse(out) as unknown; // a JSON value by construction; the runner checks its shape for the hook's kind
    } catch {
      throw new Error(`${decl.run.join(" ")} printed something that is not JSON on stdout: ${JSON.stringify(out.slice(0, 200))}`);
    }
  };
}

/** The context a hook program receives as JSON (command hooks on stdin, Python hooks in a call): secrets only those named. */
export async function contextJson(ctx: HookContext, kind: string, secretNames: readonly string[]): Promise<Record<string, unknown>> {
  const j: Record<string, unknown> = { kind, address: ctx.address };
  if (ctx.instance) j.instance = { ...instanceJson(ctx.instance), ...(await secretsJson(ctx.instance, secretNames)) };
  if (ctx.plug) j.plug = { ...plugJson(ctx.plug), ...(await secretsJson(ctx.plug, secretNames)) };
  if (ctx.integration) j.integration = { ...ctx.integration };
  for (const k of ["outputs", "changes", "params", "data", "path"] as const) {
    if (ctx[k] !== undefined) j[k] = ctx[k];
  }
  return j;
}

function instanceJson(i: InstanceContext): Record<string, unknown> {
  return { name: i.name, product: i.product, settings: i.settings };
}

function plugJson(p: PlugContext): Record<string, unknown> {
  return { src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, format: p.format ?? null, kind: p.kind, settings: p.settings };
}

async function secretsJson(holder: { getSecret(n: string): Promise<string | undefined> }, names: readonly string[]): Promise<{ secrets?: Record<string, string> }> {
  if (names.length === 0) return {};
  const secrets: Record<string, string> = {};
  for (const n of names) {
    const v = await holder.getSecret(n);
    if (v !== undefined) secrets[n] = v;
  }
  return { secrets };
}
