// The context objects a hook receives, as hook authors see them. Type-only: this file has no
// runtime code, so `meshroom/hooks` stays free of dependencies.
import type { Mode, Role } from "../model/capability.js";
import type { HookOrder } from "../model/hook.js";
import type { HookKind } from "../model/hook-kinds.js";

export type { Mode, Role, HookKind, HookOrder };

/** JSON-like record: outputs, settings, params. */
export type HookRecord = Record<string, unknown>;

/** Messages go to the CLI's progress output, prefixed with the resource address; secrets are redacted. */
export interface HookLog {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export interface InstanceContext {
  readonly name: string;
  readonly product: string;
  readonly settings: HookRecord;
  getSecret(name: string): Promise<string | undefined>;
  setSecret(name: string, value: string): Promise<void>;
}

export interface PlugContext {
  readonly src: string;
  readonly dst: string;
  readonly topic: string;
  readonly mode: Mode;
  readonly format?: string;
  readonly kind: "data" | "action";
  /** This side's plug settings. */
  readonly settings: HookRecord;
  getSecret(name: string): Promise<string | undefined>;
  setSecret(name: string, value: string): Promise<void>;
  deleteSecret(name: string): Promise<void>;
}

/** The integration being set up, plus the explicit integration YAML's extra fields. */
export interface IntegrationContext {
  readonly product: string;
  readonly targetProduct: string;
  readonly topic: string;
  readonly role: Role;
  readonly mode: Mode;
  readonly format?: string;
  readonly settings: HookRecord;
  readonly [extra: string]: unknown;
}

export interface HookExecOptions {
  cwd?: string;
  /**
   * Set in the program's environment. The program does not inherit meshroom's environment:
   * it gets PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_*, TZ and TMPDIR, the names the hook
   * declared in its `env` option, and these; never meshroom's credentials.
   */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** When false, a non-zero exit is returned instead of thrown. */
  reject?: boolean;
}

export interface HookExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs a program honouring the hook's signal; errors are redacted. */
export type HookExec = (cmd: string, args?: readonly string[], opts?: HookExecOptions) => Promise<HookExecResult>;

export interface HookDaemonOptions {
  /** Output (stdout and stderr) is appended here (created 0600). */
  logFile: string;
  /** The daemon's pid is written here (0600). Starting fails while it names a live process. */
  pidFile: string;
  /** Default: the hook's folder. */
  cwd?: string;
  /** Set in its environment, which is otherwise a hook program's (see HookExecOptions.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Starts a long-running program (a service) that outlives meshroom, in its own process group;
 * resolves with its pid once it is started. Stop it by signalling the group (`process.kill(-pid)`).
 */
export type HookStartDaemon = (cmd: string, args: readonly string[], opts: HookDaemonOptions) => Promise<{ pid: number }>;

/** git helpers for `pull` and `publish` hooks (they run the `git` program). */
export interface GitHelper {
  clone(url: string, dir: string, opts?: { branch?: string; depth?: number }): Promise<void>;
  /** `git fetch REMOTE [REF]` in a clone; REMOTE is a remote name (default origin) or a URL; the result is FETCH_HEAD. */
  fetch(dir: string, opts?: { remote?: string; ref?: string }): Promise<void>;
  /** `git reset --hard REF` (e.g. FETCH_HEAD after `fetch`). */
  reset(dir: string, ref: string): Promise<void>;
  /** Creates or resets `name` and checks it out. */
  branch(dir: string, name: string): Promise<void>;
  /** Stages everything and commits; false when there was nothing to commit. */
  commit(dir: string, message: string): Promise<boolean>;
  /** `remoteUrl` only names the remote in error messages. */
  push(dir: string, opts?: { remote?: string; branch?: string; setUpstream?: boolean; force?: boolean; remoteUrl?: string }): Promise<void>;
  currentBranch(dir: string): Promise<string>;
  /** The commit id checked out. */
  head(dir: string): Promise<string>;
}

/** What a hook may read of the project, and in `pull`, create or update. */
export interface ProjectHandle {
  readonly root: string;
  listProducts(): Promise<string[]>;
  /** The product's definition.yaml, parsed; undefined when there is no such product. */
  readProduct(name: string): Promise<HookRecord | undefined>;
  /** Integration file stems of a product towards a target (`events_consumer`, …). */
  listIntegrations(product: string, target?: string): Promise<Array<{ target: string; stem: string }>>;
  /** Creates or replaces products/<name>/definition.yaml. */
  writeProduct(name: string, definition: HookRecord): Promise<void>;
  /** Creates or replaces products/<product>/integrations/<target>/<stem>.yaml. */
  writeIntegration(product: string, target: string, stem: string, content: HookRecord): Promise<void>;
  /** Writes a file under products/<product>/ (refuses paths that leave it). */
  writeProductFile(product: string, relPath: string, content: string): Promise<void>;
}

/** Writes files under the integration's folder; paths that leave it are refused. */
export interface ScaffoldFiles {
  readonly dir: string;
  write(relPath: string, content: string): Promise<string>;
  read(relPath: string): Promise<string | undefined>;
  exists(relPath: string): Promise<boolean>;
}

/** One changed setting for an in-place update. */
export interface HookChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** What every hook receives. */
export interface BaseContext {
  readonly log: HookLog;
  readonly signal: AbortSignal;
  /** Resource address (`plug.a.b.events.push`, `instance.a`), or the command's subject. */
  readonly address: string;
  readonly project: ProjectHandle;
  readonly exec: HookExec;
  readonly startDaemon: HookStartDaemon;
}

export interface PlugHookContext extends BaseContext {
  readonly instance: InstanceContext;
  readonly plug: PlugContext;
  readonly integration: IntegrationContext;
}
export interface PlugOutputsContext extends PlugHookContext {
  /** Outputs recorded at setup. */
  readonly outputs: HookRecord;
}
export interface UpdateContext extends PlugOutputsContext {
  readonly changes: readonly HookChange[];
}
export interface InstanceHookContext extends BaseContext {
  readonly instance: InstanceContext;
  readonly outputs: HookRecord;
}
export interface ScaffoldContext extends BaseContext {
  readonly integration: IntegrationContext;
  readonly files: ScaffoldFiles;
}
export interface PullContext extends BaseContext {
  /** mirrors/<product> */
  readonly path: string;
  readonly git: GitHelper;
}
export interface PublishContext extends BaseContext {
  readonly integration?: IntegrationContext;
  readonly path?: string;
  readonly git: GitHelper;
}
export interface ProduceContext extends BaseContext {
  /** One line of data to send. */
  readonly data: string;
  readonly instance: InstanceContext;
  readonly plug?: PlugContext;
}
export interface WatchContext extends BaseContext {
  readonly instance: InstanceContext;
  readonly plug?: PlugContext;
}
export interface ActionContext extends BaseContext {
  readonly params: HookRecord;
  readonly instance: InstanceContext;
  readonly plug?: PlugContext;
}

/** Everything the runner may hand to a hook; each kind's view above is a subset. */
export interface HookContext extends BaseContext {
  readonly instance?: InstanceContext;
  readonly plug?: PlugContext;
  readonly integration?: IntegrationContext;
  readonly outputs?: HookRecord;
  readonly changes?: readonly HookChange[];
  readonly params?: HookRecord;
  readonly data?: string;
  readonly path?: string;
  readonly files?: ScaffoldFiles;
  readonly git?: GitHelper;
}

type Awaitable<T> = T | Promise<T>;
/**
 * `outputs` are kept in state and shown in plans, so known secret values in them are replaced by
 * `(sensitive value)` before they are stored: keep a secret a later hook needs with `setSecret`.
 */
export interface SetupResult { outputs?: HookRecord }
export interface ReadResult { exists: boolean; outputs?: HookRecord }

export type SetupHook = (ctx: PlugHookContext) => Awaitable<SetupResult | void>;
export type TeardownHook = (ctx: PlugOutputsContext) => Awaitable<void>;
export type ReadHook = (ctx: PlugOutputsContext) => Awaitable<ReadResult>;
export type UpdateHook = (ctx: UpdateContext) => Awaitable<SetupResult | void>;
export type SetupInstanceHook = (ctx: InstanceHookContext) => Awaitable<SetupResult | void>;
export type TeardownInstanceHook = (ctx: InstanceHookContext) => Awaitable<void>;
export type ReadInstanceHook = (ctx: InstanceHookContext) => Awaitable<ReadResult>;
export type ScaffoldHook = (ctx: ScaffoldContext) => Awaitable<void>;
export type PullHook = (ctx: PullContext) => Awaitable<unknown>;
export type PublishHook = (ctx: PublishContext) => Awaitable<unknown>;
export type ProduceHook = (ctx: ProduceContext) => Awaitable<unknown>;
export type WatchHook = (ctx: WatchContext) => AsyncIterable<unknown>;
export type ActionHook = (ctx: ActionContext) => Awaitable<unknown>;

/** Options every registration accepts. */
export interface HookOptions {
  mode?: Mode;
  format?: string;
  /** "first", then integers ascending, then unset, then "last"; ties by title. */
  order?: HookOrder;
  /** This side can set up the whole edge alone. */
  ownsBoth?: boolean;
  /** Keep this product-wide hook even when an integration-specific hook of the same kind exists. */
  keepWhenOverloaded?: boolean;
  /** Shown in plans and progress; defaults to the function's name. */
  title?: string;
  /** Seconds (default 300); on expiry the hook's signal aborts and the step fails. */
  timeout?: number;
  /**
   * Environment variables the programs this hook starts (`exec`, `startDaemon`) inherit from
   * meshroom's environment, beyond PATH, HOME, the locale, TZ and TMPDIR. `MESHROOM_*` names
   * are refused: meshroom's credentials never reach a hook's programs.
   */
  env?: readonly string[];
}

/** Options of the role-less forms (`setup`, `produce`, `watch`, …): in a product-wide file they say which role. */
export interface RoleHookOptions extends HookOptions {
  role?: Role;
  topic?: string;
}
