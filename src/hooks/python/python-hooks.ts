import { MeshroomError } from "../../errors/index.js";
import { HOOK_KIND_FACTS, HOOK_KINDS, ROLES, type HookKind, type Role } from "../../model/index.js";
import { hookEnvNameProblem } from "../../util/env-names.js";
import type { HookRegistration } from "../api.js";
import { contextJson } from "../command-hooks.js";
import type { HookFn } from "../registry.js";
import type { HookContext } from "../types.js";
import { pythonCommand, pythonError, pythonHostFor, type PyCallHandlers, type PyRegistration } from "./python-host.js";
import { openRegistrationCache } from "./registration-cache.js";

/** A `.py` hook file of a (trusted) product. */
export interface PythonHookFile {
  /** Absolute path. */
  file: string;
  product: string;
  productDir: string;
  /** Path shown in messages (relative to the project). */
  shown: string;
}

/**
 * What each Python hook file registers, as registrations whose bodies call the project's Python
 * host. Files are imported by the host only when the registration cache has no entry for them;
 * a file that cannot be imported is its own error (with the Python traceback as detail).
 */
export async function registerPythonHookFiles(root: string, files: readonly PythonHookFile[]): Promise<Map<string, HookRegistration[] | MeshroomError>> {
  const host = pythonHostFor(root);
  const products = new Map(files.map((f) => [f.product, f.productDir] as const));
  host.allow(products, files.map((f) => f.file), {}, files.map((f) => f.shown));
  const cache = openRegistrationCache(pythonCommand());
  const found = new Map<string, PyRegistration[] | MeshroomError>();
  const misses: PythonHookFile[] = [];
  for (const f of files) {
    const hit = cache?.get(f.file, f.productDir);
    if (hit) found.set(f.file, hit);
    else misses.push(f);
  }
  if (misses.length > 0) {
    const answers = await host.register(misses.map((f) => f.file));
    for (const f of misses) {
      const a = answers[f.file];
      if (!a) found.set(f.file, loadError(f, "the Python host did not answer for it", undefined));
      else if ("error" in a) found.set(f.file, loadError(f, a.error, a.traceback));
      else {
        found.set(f.file, a.hooks);
        cache?.set(f.file, f.productDir, a.hooks);
      }
    }
  }
  // the environment names Python hooks declare reach the one process that runs them all
  const env: Record<string, string> = {};
  const out = new Map<string, HookRegistration[] | MeshroomError>();
  for (const f of files) {
    const regs = found.get(f.file)!;
    if (regs instanceof MeshroomError) {
      out.set(f.file, regs);
      continue;
    }
    const checked = regs.map((r, i) => toRegistration(root, f, r, i));
    const bad = checked.find((c): c is string => typeof c === "string");
    if (bad) {
      out.set(f.file, loadError(f, bad, undefined));
      continue;
    }
    for (const r of regs) {
      for (const name of Array.isArray(r.opts.env) ? r.opts.env : []) {
        if (typeof name === "string" && !hookEnvNameProblem(name) && process.env[name] !== undefined) env[name] = process.env[name]!;
      }
    }
    out.set(f.file, checked as HookRegistration[]);
  }
  if (Object.keys(env).length > 0) host.allow(new Map(), [], env, []);
  return out;
}

function toRegistration(root: string, f: PythonHookFile, r: PyRegistration, index: number): HookRegistration | string {
  if (typeof r !== "object" || r === null || typeof r.registrar !== "string" || typeof r.name !== "string" || typeof r.opts !== "object" || r.opts === null) {
    return "the Python host reported a malformed registration";
  }
  if (!(HOOK_KINDS as readonly string[]).includes(r.kind)) return `${r.registrar}(): unknown hook kind ${JSON.stringify(r.kind)}`;
  if (r.role !== undefined && !(ROLES as readonly string[]).includes(r.role)) return `${r.registrar}(): role must be one of ${ROLES.join(", ")}, got ${JSON.stringify(r.role)}`;
  if (r.topic !== undefined && (typeof r.topic !== "string" || r.topic === "")) return `${r.registrar}(): the topic must be a non-empty string`;
  const reg: HookRegistration = { registrar: r.registrar, kind: r.kind as HookKind, fn: pythonHookFn(root, f, index, r), opts: r.opts };
  if (r.role !== undefined) reg.role = r.role as Role;
  if (r.topic !== undefined) reg.topic = r.topic;
  return reg;
}

function loadError(f: PythonHookFile, message: string, traceback: string | null | undefined): MeshroomError {
  const first = (message.split("\n")[0] ?? message).trim();
  return new MeshroomError("E_BAD_MANIFEST", `could not load hook file ${f.shown}: ${first}`, {
    ...(traceback ? { detail: traceback } : {}),
    diagnostics: [{ summary: `cannot be loaded: ${first}`, location: { file: f.shown } }],
    cause: pythonError({ type: "ImportError", message, traceback: traceback ?? null }),
  });
}

/** The body of one Python hook: a call to the host, with callbacks for secrets and files. */
function pythonHookFn(root: string, f: PythonHookFile, index: number, reg: PyRegistration): HookFn {
  const kind = reg.kind as HookKind;
  const request = async (ctx: HookContext) => ({
    file: f.file, index, expect: reg, kind,
    context: { ...(await contextJson(ctx, kind, [])), product: f.product, ...(ctx.files ? { filesDir: ctx.files.dir } : {}) },
  });
  const fn: HookFn =
    kind === "watch"
      ? (ctx) => watchPython(root, request(ctx), ctx)
      : async (ctx) => asHookResult(kind, await pythonHostFor(root).call(await request(ctx), handlersFor(ctx), ctx.signal));
  Object.defineProperty(fn, "name", { value: reg.name });
  return fn;
}

/** A watch hook's items, as an async generator (closing it stops the Python generator). */
async function* watchPython(root: string, req: Promise<Parameters<ReturnType<typeof pythonHostFor>["call"]>[0]>, ctx: HookContext): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let error: unknown;
  const closed = new AbortController();
  const signal = AbortSignal.any([ctx.signal, closed.signal]);
  const handlers: PyCallHandlers = { ...handlersFor(ctx), item: (v) => (queue.push(v), wake?.()) };
  pythonHostFor(root).call(await req, handlers, signal).then(
    () => ((finished = true), wake?.()),
    (e: unknown) => ((error = e), (finished = true), wake?.()),
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift();
        continue;
      }
      if (finished) {
        if (error !== undefined && !signal.aborted) throw error;
        return;
      }
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    closed.abort();
  }
}

function handlersFor(ctx: HookContext): PyCallHandlers {
  return {
    ask: (what, args) => answer(ctx, what, args),
    log: (level, message) => (level === "warn" ? ctx.log.warn(message) : level === "debug" ? ctx.log.debug(message) : ctx.log.info(message)),
  };
}

/** The host's questions: secrets (kept in meshroom's store and redaction) and the scaffold files helper. */
async function answer(ctx: HookContext, what: string, args: unknown[]): Promise<unknown> {
  const str = (i: number): string => {
    const v = args[i];
    if (typeof v !== "string") throw new Error(`${what}: argument ${i + 1} must be a string`);
    return v;
  };
  const need = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new Error(`this hook has no ${name} (${what})`);
    return v;
  };
  switch (what) {
    case "instance.get_secret": return need(ctx.instance, "instance").getSecret(str(0));
    case "instance.set_secret": return need(ctx.instance, "instance").setSecret(str(0), str(1));
    case "plug.get_secret": return need(ctx.plug, "plug").getSecret(str(0));
    case "plug.set_secret": return need(ctx.plug, "plug").setSecret(str(0), str(1));
    case "plug.delete_secret": return need(ctx.plug, "plug").deleteSecret(str(0));
    case "files.write": return need(ctx.files, "files helper").write(str(0), str(1));
    case "files.read": return need(ctx.files, "files helper").read(str(0));
    case "files.exists": return need(ctx.files, "files helper").exists(str(0));
    default: throw new Error(`meshroom does not know the request ${JSON.stringify(what)}`);
  }
}

/**
 * A Python hook's return value in the shape the runner checks for its kind: for setup and update
 * the value becomes the outputs (a dict as it is, `{"outputs": {...}}` as in TypeScript, anything
 * else as `{"result": value}`); a read hook may return a bool; other kinds return their value.
 */
export function asHookResult(kind: HookKind, v: unknown): unknown {
  const shape = HOOK_KIND_FACTS[kind].result;
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  if (shape === "outputs") {
    if (v === undefined || v === null) return undefined;
    if (isRecord(v)) {
      const keys = Object.keys(v);
      return keys.length === 1 && keys[0] === "outputs" && isRecord(v.outputs) ? v : { outputs: v };
    }
    return { outputs: { result: v } };
  }
  if (shape === "exists" && typeof v === "boolean") return { exists: v };
  return v;
}
