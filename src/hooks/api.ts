// meshroom/hooks: the API users' hook files import. Calling a registration function records
// the hook; meshroom calls the body later (apply, destroy, produce, …), never at load time.
// Hooks are user code: they run inside the meshroom process with the user's rights.
//
// Contract (what apply guarantees, and what it asks of a hook):
// - A setup/teardown/update hook runs AT LEAST once per change, not exactly once. Its
//   completion is saved in state before anything that depends on it starts, so a step whose
//   hook returned is not repeated — unless meshroom is killed (kill -9, power loss) within one
//   state save interval (≤ ~100 ms plus one save) after it returned, or while it still ran.
//   Then the next apply runs it again. Hooks must therefore be idempotent: check before you
//   create (e.g. `if (await plug.getSecret("intake_key")) return …` before minting a new key).
// - Return plain JSON data (strings, finite numbers, booleans, null, arrays, objects). A result
//   that cannot be stored (a cycle, a BigInt, a function, a getter or toJSON that throws…)
//   fails the hook.
// - Do not end the process: process.exit()/abort() in a hook throws, and fails that hook.
// - Commands run with ctx.exec (and YAML command hooks) die with meshroom, even on kill -9,
//   while they run; a daemon meant to outlive the run starts in a process group of its own
//   (spawn with `detached: true`, as examples/soc-lab/lib/daemon.ts does), not through ctx.exec.
//
// This file has no runtime imports: a project's hook file may load a different copy of it
// than the running meshroom, so the registry lives on a process-wide global symbol.
import type { HookKind, Role } from "../model/index.js";
import type {
  ActionHook, HookOptions, ProduceHook, PublishHook, PullHook, ReadHook, ReadInstanceHook, RoleHookOptions,
  ScaffoldHook, SetupHook, SetupInstanceHook, TeardownHook, TeardownInstanceHook, UpdateHook, WatchHook,
} from "./types.js";

export type * from "./types.js";

/** One call of a registration function, as recorded (before the loader turns it into a descriptor). */
export interface HookRegistration {
  /** The function called, e.g. `setupConsumer`. */
  registrar: string;
  kind: HookKind;
  role?: Role;
  topic?: string;
  fn: (...args: never[]) => unknown;
  opts: RoleHookOptions;
}

export interface HookGlobalState {
  /** Set by the loader while it imports one file; registrations go there. */
  collecting: HookRegistration[] | undefined;
  /** Registrations per absolute file path: each file is imported once per process. */
  byFile: Map<string, HookRegistration[]>;
  /** Registrations made outside a load (e.g. a unit test importing a hook file directly). */
  stray: HookRegistration[];
  /** Serializes loads, since `collecting` is process-wide. */
  lock: Promise<void>;
}

const STATE_KEY = Symbol.for("meshroom.hooks.registry");

export function hookGlobalState(): HookGlobalState {
  const g = globalThis as unknown as Record<symbol, HookGlobalState | undefined>;
  return (g[STATE_KEY] ??= { collecting: undefined, byFile: new Map(), stray: [], lock: Promise.resolve() });
}

function record(reg: HookRegistration): void {
  if (typeof reg.fn !== "function") throw new TypeError(`${reg.registrar}(): the hook must be a function, got ${typeof reg.fn}`);
  if (reg.opts !== null && typeof reg.opts !== "object") throw new TypeError(`${reg.registrar}(): options must be an object`);
  const s = hookGlobalState();
  (s.collecting ?? s.stray).push(reg);
}

/** `name(fn, opts?)` or `name(topic, fn, opts?)`. */
export interface TopicRegistrar<F, O = HookOptions> {
  (fn: F, opts?: O): void;
  (topic: string, fn: F, opts?: O): void;
}
export type PlainRegistrar<F, O = HookOptions> = (fn: F, opts?: O) => void;

function topicRegistrar<F, O extends RoleHookOptions>(registrar: string, kind: HookKind, role?: Role): TopicRegistrar<F, O> {
  return ((a: unknown, b?: unknown, c?: unknown) => {
    const hasTopic = typeof a === "string";
    const fn = (hasTopic ? b : a) as HookRegistration["fn"];
    const opts = ((hasTopic ? c : b) ?? {}) as RoleHookOptions;
    const topic = hasTopic ? (a as string) : undefined;
    const reg: HookRegistration = { registrar, kind, fn, opts };
    const r = role ?? opts.role;
    if (r !== undefined) reg.role = r;
    const t = topic ?? opts.topic;
    if (t !== undefined) reg.topic = t;
    record(reg);
  }) as TopicRegistrar<F, O>;
}

function plainRegistrar<F, O extends RoleHookOptions>(registrar: string, kind: HookKind): PlainRegistrar<F, O> {
  return (fn: F, opts?: O) => {
    const o: RoleHookOptions = opts ?? {};
    const reg: HookRegistration = { registrar, kind, fn: fn as HookRegistration["fn"], opts: o };
    if (o.role !== undefined) reg.role = o.role;
    if (o.topic !== undefined) reg.topic = o.topic;
    record(reg);
  };
}

// The registrars are the ones model/hook-kinds.ts derives from its table (hookRegistrars());
// test/model/hook-kinds.test.ts fails when this list and the table disagree.

// setup: create one side of an edge (or both, with ownsBoth). May return { outputs }.
export const setupProducer = topicRegistrar<SetupHook, HookOptions>("setupProducer", "setup", "producer");
export const setupConsumer = topicRegistrar<SetupHook, HookOptions>("setupConsumer", "setup", "consumer");
export const setupTrigger = topicRegistrar<SetupHook, HookOptions>("setupTrigger", "setup", "trigger");
export const setupExecutor = topicRegistrar<SetupHook, HookOptions>("setupExecutor", "setup", "executor");
/** In an integration file, role and topic come from the integration; in a product-wide file pass { role }. */
export const setup = topicRegistrar<SetupHook, RoleHookOptions>("setup", "setup");

// teardown: remove what setup created; receives the outputs recorded at setup.
export const teardownProducer = topicRegistrar<TeardownHook, HookOptions>("teardownProducer", "teardown", "producer");
export const teardownConsumer = topicRegistrar<TeardownHook, HookOptions>("teardownConsumer", "teardown", "consumer");
export const teardownTrigger = topicRegistrar<TeardownHook, HookOptions>("teardownTrigger", "teardown", "trigger");
export const teardownExecutor = topicRegistrar<TeardownHook, HookOptions>("teardownExecutor", "teardown", "executor");
export const teardown = topicRegistrar<TeardownHook, RoleHookOptions>("teardown", "teardown");

// read: drift check; returns { exists, outputs? }.
export const readProducer = topicRegistrar<ReadHook, HookOptions>("readProducer", "read", "producer");
export const readConsumer = topicRegistrar<ReadHook, HookOptions>("readConsumer", "read", "consumer");
export const readTrigger = topicRegistrar<ReadHook, HookOptions>("readTrigger", "read", "trigger");
export const readExecutor = topicRegistrar<ReadHook, HookOptions>("readExecutor", "read", "executor");
export const read = topicRegistrar<ReadHook, RoleHookOptions>("read", "read");

// update: in-place change; receives outputs and changes.
export const updateProducer = topicRegistrar<UpdateHook, HookOptions>("updateProducer", "update", "producer");
export const updateConsumer = topicRegistrar<UpdateHook, HookOptions>("updateConsumer", "update", "consumer");
export const updateTrigger = topicRegistrar<UpdateHook, HookOptions>("updateTrigger", "update", "trigger");
export const updateExecutor = topicRegistrar<UpdateHook, HookOptions>("updateExecutor", "update", "executor");
export const update = topicRegistrar<UpdateHook, RoleHookOptions>("update", "update");

// instances
export const setupInstance = plainRegistrar<SetupInstanceHook, HookOptions>("setupInstance", "setupInstance");
export const teardownInstance = plainRegistrar<TeardownInstanceHook, HookOptions>("teardownInstance", "teardownInstance");
export const readInstance = plainRegistrar<ReadInstanceHook, HookOptions>("readInstance", "readInstance");

// scaffold: `meshroom create integration` writes starter files.
export const scaffoldProducer = topicRegistrar<ScaffoldHook, HookOptions>("scaffoldProducer", "scaffold", "producer");
export const scaffoldConsumer = topicRegistrar<ScaffoldHook, HookOptions>("scaffoldConsumer", "scaffold", "consumer");
export const scaffoldTrigger = topicRegistrar<ScaffoldHook, HookOptions>("scaffoldTrigger", "scaffold", "trigger");
export const scaffoldExecutor = topicRegistrar<ScaffoldHook, HookOptions>("scaffoldExecutor", "scaffold", "executor");

export const pull = plainRegistrar<PullHook, HookOptions>("pull", "pull");
export const publish = plainRegistrar<PublishHook, HookOptions>("publish", "publish");
export const produce = topicRegistrar<ProduceHook, RoleHookOptions>("produce", "produce");
/** An async generator: yield what arrives (or leaves); meshroom closes it when done. */
export const watch = topicRegistrar<WatchHook, RoleHookOptions>("watch", "watch");
export const trigger = topicRegistrar<ActionHook, HookOptions>("trigger", "trigger", "trigger");
export const execute = topicRegistrar<ActionHook, HookOptions>("execute", "execute", "executor");
