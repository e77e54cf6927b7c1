import { join } from "node:path";
import { inspect } from "node:util";
import { MeshroomError } from "../errors/index.js";
import { hookEnvironment, runCommand, spawnDetached } from "../exec/index.js";
import { HOOK_KIND_FACTS, plugAddress, type Mode, type PlugKind, type Role } from "../model/index.js";
import { redactText, registerSecretValue } from "../util/redact.js";
import { createScaffoldFiles } from "./files.js";
import { createGitHelper } from "./git.js";
import type { HookEntry } from "./registry.js";
import type {
  GitHelper, HookChange, HookContext, HookExec, HookLog, HookRecord, HookStartDaemon, InstanceContext, IntegrationContext, PlugContext,
  ProjectHandle,
} from "./types.js";

/** Where a secret lives: an instance's, or a plug's (shared by both sides). */
export type SecretScope = { instance: string } | { plug: string };

/** What the runner needs of the secrets store. */
export interface SecretAccess {
  get(scope: SecretScope, name: string): Promise<string | undefined>;
  set(scope: SecretScope, name: string, value: string): Promise<void>;
  delete(scope: SecretScope, name: string): Promise<void>;
}

export interface HookLogEvent {
  level: "info" | "warn" | "debug";
  address: string;
  /** The hook's title. */
  hook: string;
  /** Already redacted. */
  message: string;
}
export type HookLogSink = (event: HookLogEvent) => void;

/** What the caller knows about the call; the runner turns it into the hook's context. */
export interface HookInput {
  instance?: { name: string; product: string; settings: HookRecord };
  plug?: { src: string; dst: string; topic: string; mode: Mode; format?: string; kind: PlugKind; settings: HookRecord };
  integration?: {
    product: string; targetProduct: string; topic: string; role: Role; mode: Mode; format?: string;
    settings?: HookRecord;
    /** The explicit integration YAML's extra fields. */
    extra?: HookRecord;
  };
  outputs?: HookRecord;
  changes?: readonly HookChange[];
  params?: HookRecord;
  data?: string;
  path?: string;
  /** scaffold: folder files are written under (default products/<p>/integrations/<target>). */
  filesDir?: string;
}

export interface HookRunOptions {
  address: string;
  signal?: AbortSignal;
  /** Default: the process-wide secret redaction. */
  redact?: (s: string) => string;
  log?: HookLogSink;
  secrets?: SecretAccess;
  project?: ProjectHandle | (() => ProjectHandle);
  git?: GitHelper | ((signal: AbortSignal) => GitHelper);
  /** Default working directory of `exec` (default: the hook's folder). */
  cwd?: string;
}

/** Builds the context object handed to a hook body; `signal` is the hook's own (timeout-linked) signal. */
export function buildHookContext(entry: HookEntry, input: HookInput, opts: HookRunOptions, signal: AbortSignal): HookContext {
  const redact = opts.redact ?? redactText;
  const title = entry.descriptor.title;
  const secrets = (): SecretAccess => {
    if (opts.secrets) return opts.secrets;
    throw new MeshroomError("E_SECRETS", `hook '${title}' asked for a secret, but no secrets store is open for this operation`);
  };
  const getSecret = async (scope: SecretScope, name: string) => {
    const v = await secrets().get(scope, name);
    if (v !== undefined) registerSecretValue(v);
    return v;
  };
  const setSecret = async (scope: SecretScope, name: string, value: string) => {
    registerSecretValue(value);
    await secrets().set(scope, name, value);
  };
  const ctx: Record<string, unknown> = {
    address: opts.address,
    signal,
    log: makeLog(opts, title, redact),
    exec: makeExec(entry, opts, signal, redact),
    startDaemon: makeStartDaemon(entry, opts),
  };
  lazy(ctx, "project", () => {
    const p = typeof opts.project === "function" ? opts.project() : opts.project;
    if (!p) throw new MeshroomError("E_INTERNAL", `hook '${title}' used \`project\`, which this operation does not provide`);
    return p;
  });
  lazy(ctx, "git", () =>
    typeof opts.git === "function" ? opts.git(signal) : opts.git ?? createGitHelper({ signal, redact, cwd: opts.cwd ?? entry.dir }),
  );
  if (input.instance) {
    const i = input.instance;
    const scope = { instance: i.name };
    const instance: InstanceContext = {
      name: i.name, product: i.product, settings: i.settings,
      getSecret: (n) => getSecret(scope, n),
      setSecret: (n, v) => setSecret(scope, n, v),
    };
    ctx.instance = instance;
  }
  if (input.plug) {
    const p = input.plug;
    const scope = { plug: plugAddress(p.src, p.dst, p.topic, p.mode) };
    const plug: PlugContext = {
      src: p.src, dst: p.dst, topic: p.topic, mode: p.mode, kind: p.kind, settings: p.settings,
      ...(p.format !== undefined ? { format: p.format } : {}),
      getSecret: (n) => getSecret(scope, n),
      setSecret: (n, v) => setSecret(scope, n, v),
      deleteSecret: (n) => secrets().delete(scope, n),
    };
    ctx.plug = plug;
  }
  if (input.integration) {
    const g = input.integration;
    const integration: IntegrationContext = {
      ...(g.extra ?? {}),
      product: g.product, targetProduct: g.targetProduct, topic: g.topic, role: g.role, mode: g.mode,
      ...(g.format !== undefined ? { format: g.format } : {}),
      settings: g.settings ?? {},
    };
    ctx.integration = integration;
  }
  for (const k of ["outputs", "changes", "params", "data", "path"] as const) {
    if (input[k] !== undefined) ctx[k] = input[k];
  }
  const d = entry.descriptor;
  const facts = HOOK_KIND_FACTS[d.kind];
  for (const k of facts.empty) ctx[k] ??= k === "changes" ? [] : {};
  if (facts.files) {
    const target = input.integration?.targetProduct;
    const dir = input.filesDir ?? (d.target || !target ? entry.dir : join(entry.dir, "integrations", target));
    ctx.files = createScaffoldFiles(dir);
  }
  return ctx as unknown as HookContext;
}

function lazy(obj: Record<string, unknown>, key: string, make: () => unknown): void {
  let made = false;
  let value: unknown;
  Object.defineProperty(obj, key, {
    enumerable: true,
    get() {
      if (!made) {
        value = make();
        made = true;
      }
      return value;
    },
  });
}

function makeLog(opts: HookRunOptions, title: string, redact: (s: string) => string): HookLog {
  const emit = (level: "info" | "warn" | "debug") => (...args: unknown[]) => {
    if (!opts.log) return;
    const message = redact(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4, breakLength: Infinity }))).join(" "));
    opts.log({ level, address: opts.address, hook: title, message });
  };
  return { info: emit("info"), warn: emit("warn"), debug: emit("debug") };
}

/** Programs a hook runs get a hook's environment (exec/hook-env.ts), not meshroom's. */
function makeExec(entry: HookEntry, opts: HookRunOptions, signal: AbortSignal, redact: (s: string) => string): HookExec {
  return (cmd, args = [], o = {}) =>
    runCommand(cmd, args, {
      cwd: o.cwd ?? opts.cwd ?? entry.dir,
      env: hookEnvironment({ declared: entry.descriptor.env ?? [], set: o.env ?? {} }),
      extendEnv: false,
      input: o.input,
      timeoutMs: o.timeoutMs,
      signal,
      redact,
      rejectOnExitCode: o.reject !== false,
    });
}

function makeStartDaemon(entry: HookEntry, opts: HookRunOptions): HookStartDaemon {
  return (cmd, args, o) =>
    spawnDetached(cmd, args, {
      cwd: o.cwd ?? opts.cwd ?? entry.dir,
      logFile: o.logFile,
      pidFile: o.pidFile,
      env: o.env ?? {},
      declaredEnv: entry.descriptor.env ?? [],
    });
}

/** A caller bug (not the user's): the input lacks what this kind of hook is promised. */
export function checkHookInput(entry: HookEntry, input: HookInput): void {
  const needs: ReadonlyArray<keyof HookInput> = HOOK_KIND_FACTS[entry.descriptor.kind].needs;
  const missing = needs.filter((k) => input[k] === undefined);
  if (missing.length > 0) {
    throw new MeshroomError("E_INTERNAL", `a ${entry.descriptor.kind} hook needs ${missing.join(", ")} in its input (hook '${entry.descriptor.title}')`);
  }
}
