import { MeshroomError } from "../../errors/index.js";
import { selectRuntimeHook, type RuntimeHookKind } from "../../capabilities/index.js";
import { runHook, runWatch, type HookInput, type HookLogSink, type HookResult, type SecretAccess } from "../../hooks/index.js";
import { type Mode, type Plug, instanceAddress, plugAddress } from "../../model/index.js";
import { liveHookInput } from "./hook-input.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";

export interface RuntimeTarget {
  topic: string;
  src: string;
  dst?: string;
  mode?: Mode;
}

export interface RuntimeDeps {
  secrets: SecretAccess;
  log: HookLogSink;
  signal: AbortSignal;
}

/** A chosen hook and the input it gets (everything but the per-call data/params). */
export interface RuntimeCall {
  address: string;
  title: string;
  entry: ReturnType<LoadedMesh["hooks"]["require"]>;
  input: HookInput;
}

function findPlug(mesh: LoadedMesh, t: RuntimeTarget & { dst: string }): Plug {
  const plugs = mesh.project.plugs.filter((p) => p.src === t.src && p.dst === t.dst && p.topic === t.topic && (!t.mode || p.mode === t.mode));
  const plug = plugs.find((p) => p.mode === "push") ?? plugs[0];
  if (!plug) {
    throw new MeshroomError("E_NOT_FOUND", `no plug ${t.src} -[${t.topic}]-> ${t.dst}${t.mode ? ` (${t.mode})` : ""}`, {
      detail: `create it with \`meshroom plug ${t.topic} ${t.src} ${t.dst}\`, or leave DST out to use ${t.src}'s own hook`,
    });
  }
  return plug;
}

/** Chooses the produce/watch/trigger/execute hook for an instance or a plug (20-matching.md). */
export function prepareRuntimeCall(mesh: LoadedMesh, kind: RuntimeHookKind, t: RuntimeTarget): RuntimeCall {
  const src = mesh.project.instances.get(t.src);
  if (!src) throw new MeshroomError("E_NOT_FOUND", `instance ${t.src} not found`, { detail: "see `meshroom list instances`" });
  if (t.dst === undefined) {
    const choice = selectRuntimeHook(mesh.graph, kind, { topic: t.topic, srcInstance: src, ...(t.mode ? { mode: t.mode } : {}) });
    const entry = mesh.hooks.require(choice.hook.id);
    return { address: instanceAddress(src.name), title: choice.hook.title, entry, input: liveHookInput(mesh, src.name) };
  }
  const dst = mesh.project.instances.get(t.dst);
  if (!dst) throw new MeshroomError("E_NOT_FOUND", `instance ${t.dst} not found`, { detail: "see `meshroom list instances`" });
  const plug = findPlug(mesh, { ...t, dst: t.dst });
  const choice = selectRuntimeHook(mesh.graph, kind, {
    topic: t.topic, srcInstance: src, dstInstance: dst, mode: plug.mode, ...(plug.format ? { format: plug.format } : {}),
  });
  const side = choice.side === "dst" ? "dst" : "src";
  const entry = mesh.hooks.require(choice.hook.id);
  const input = liveHookInput(mesh, choice.instance, { plug, side });
  return { address: plugAddress(plug.src, plug.dst, plug.topic, plug.mode), title: choice.hook.title, entry, input };
}

/** Calls a produce/trigger/execute hook once. */
export function callRuntimeHook(call: RuntimeCall, extra: Pick<HookInput, "data" | "params">, deps: RuntimeDeps): Promise<HookResult> {
  return runHook(call.entry, { ...call.input, ...extra }, { address: call.address, signal: deps.signal, log: deps.log, secrets: deps.secrets });
}

/** Iterates what a watch hook yields, until `count` items, `timeoutMs`, or the signal. */
export function watchRuntimeHook(call: RuntimeCall, opts: { count?: number; timeoutMs?: number }, deps: RuntimeDeps): AsyncGenerator<unknown, void, undefined> {
  return runWatch(call.entry, call.input, {
    address: call.address, signal: deps.signal, log: deps.log, secrets: deps.secrets,
    ...(opts.count !== undefined ? { count: opts.count } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
}
