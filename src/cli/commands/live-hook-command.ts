import type { Command } from "commander";
import { MeshroomError } from "../../errors/index.js";
import { loadMesh } from "../../mesh/load-mesh.js";
import { callRuntimeHook, prepareRuntimeCall, watchRuntimeHook } from "../../engine/live/live-hook-operation.js";
import type { CliContext } from "../context.js";
import { cliHookDeps, formatValue } from "../hook-deps.js";
import { collect, parseKeyValue, parseMode, parsePositiveInt } from "../options.js";
import { HOOK_KIND_FACTS, HOOK_KIND_TABLE, RUNTIME_HOOK_KINDS } from "../../model/index.js";
import { projectRoot } from "../project-root.js";
import { StdinLines } from "../stdin.js";

interface ModeOpt { mode?: string }

/** `-p k=v` values: JSON when they parse as JSON (numbers, booleans, objects), else strings. */
function parseParams(list: string[] | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const item of list ?? []) {
    const [k, v] = parseKeyValue(item, "-p");
    try {
      params[k] = JSON.parse(v);
    } catch {
      params[k] = v;
    }
  }
  return params;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("produce")
    .description("send each non-blank stdin line through a produce hook (of the plug SRC→DST, or of SRC)")
    .argument("<topic>")
    .argument("<src>")
    .argument("[dst]")
    .option("--mode <mode>", "push or pull")
    .action(async (topic: string, src: string, dst: string | undefined, opts: ModeOpt) => {
      const root = projectRoot(ctx);
      const mesh = await loadMesh(root);
      const mode = parseMode(opts.mode);
      const call = prepareRuntimeCall(mesh, "produce", { topic, src, ...(dst ? { dst } : {}), ...(mode ? { mode } : {}) });
      const deps = cliHookDeps(ctx, root);
      const lines = new StdinLines(ctx.io.stdin);
      try {
        for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
          if (line.trim() === "") continue;
          const r = await callRuntimeHook(call, { data: line }, deps);
          ctx.out(r.value === undefined ? "ok" : formatValue(r.value));
        }
        await deps.flush();
      } finally {
        await lines.close();
        deps.dispose();
      }
    });

  program
    .command("watch")
    .description("print what a watch hook sees, one item per line, until Ctrl-C, --count or --timeout")
    .argument("<topic>")
    .argument("<instance>")
    .argument("[dst]")
    .option("--mode <mode>", "push or pull")
    .option("--count <n>", "stop after N items")
    .option("--timeout <seconds>", "stop after S seconds")
    .action(async (topic: string, instance: string, dst: string | undefined, opts: ModeOpt & { count?: string; timeout?: string }) => {
      const root = projectRoot(ctx);
      const mesh = await loadMesh(root);
      const mode = parseMode(opts.mode);
      const count = opts.count !== undefined ? parsePositiveInt(opts.count, "--count") : undefined;
      const timeoutS = opts.timeout !== undefined ? Number(opts.timeout) : undefined;
      if (timeoutS !== undefined && !(timeoutS > 0)) throw new MeshroomError("E_USAGE", `--timeout expects a positive number of seconds, got ${JSON.stringify(opts.timeout)}`);
      const call = prepareRuntimeCall(mesh, "watch", { topic, src: instance, ...(dst ? { dst } : {}), ...(mode ? { mode } : {}) });
      const deps = cliHookDeps(ctx, root);
      try {
        for await (const item of watchRuntimeHook(call, { ...(count ? { count } : {}), ...(timeoutS ? { timeoutMs: timeoutS * 1000 } : {}) }, deps)) {
          ctx.out(formatValue(item));
        }
      } finally {
        deps.dispose();
      }
    });

  // one command per runtime kind that takes -p params (trigger, execute: model/hook-kinds.ts)
  for (const kind of RUNTIME_HOOK_KINDS.filter((k) => HOOK_KIND_FACTS[k].perCall === "params")) {
    program
      .command(HOOK_KIND_TABLE[kind].command)
      .description(`call the ${kind} hook for TOPIC (an action) with -p params; print its result`)
      .argument("<topic>")
      .argument("<src>")
      .argument("[dst]")
      .option("-p, --param <key=value>", "a parameter (repeatable; JSON values are parsed)", collect)
      .option("--mode <mode>", "push or pull")
      .action(async (topic: string, src: string, dst: string | undefined, opts: ModeOpt & { param?: string[] }) => {
        const root = projectRoot(ctx);
        const mesh = await loadMesh(root);
        const mode = parseMode(opts.mode);
        const call = prepareRuntimeCall(mesh, kind, { topic, src, ...(dst ? { dst } : {}), ...(mode ? { mode } : {}) });
        const deps = cliHookDeps(ctx, root);
        try {
          const r = await callRuntimeHook(call, { params: parseParams(opts.param) }, deps);
          ctx.out(r.value === undefined ? "ok" : formatValue(r.value));
          await deps.flush();
        } finally {
          deps.dispose();
        }
      });
  }
}
