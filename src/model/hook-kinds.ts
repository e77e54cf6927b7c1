import { ROLES, type Role } from "./capability.js";

/**
 * What a hook returns (hooks/results.ts holds one schema per shape): `outputs` = nothing or
 * `{ outputs }` kept in state; `exists` = `{ exists, outputs? }` (drift check); `ignored` = any
 * value, dropped; `value` = a JSON value handed to the caller; `stream` = an async generator.
 */
export type HookResultShape = "outputs" | "exists" | "ignored" | "value" | "stream";
/** Context the caller must hand a hook (fields of hooks/context.ts's HookInput). */
export type HookInputField = "instance" | "plug" | "integration" | "data" | "path";
/** Context fields the runner sets to empty (`{}`, or `[]` for changes) when the caller gives none. */
export type HookEmptyField = "outputs" | "changes" | "params";

/** The facts about one hook kind; every list of kinds in meshroom is derived from a table of these. */
export interface HookKindFacts {
  /** "lifecycle": plan/apply/destroy run it as a step of a resource; "live": a CLI command calls it on demand. */
  runs: "lifecycle" | "live";
  /** Lifecycle kinds: the resource whose lifecycle it is (one side of a plug, or an instance)… */
  resource?: "plug" | "instance";
  /** …and the step of that lifecycle. */
  phase?: "setup" | "teardown" | "read" | "update";
  /** Live kinds: the command that calls it (`meshroom <command> …`). */
  command?: string;
  /** Runtime kinds (called on an instance or a plug): the plug sides whose hooks serve it, most preferred first (20-matching.md). */
  sides?: ReadonlyArray<{ side: "src" | "dst"; role: Role }>;
  /** Runtime kinds: what each call hands the hook (a stdin line as `data`, or `-p` params); unset: nothing (it yields). */
  perCall?: "data" | "params";
  /** "product": only in a product-wide file; "integration": also in an integration's folder, matched against its scope. */
  declaredIn: "product" | "integration";
  /** "each": one registrar per role (`setupProducer`, …); "any": the `{ role }` option or the integration file; a role: always that one; "none". */
  roles: "each" | "any" | Role | "none";
  /** `meshroom/hooks` exports a registrar named after the kind (`setup`, `produce`, `pull`); false: only the per-role ones. */
  plainRegistrar: boolean;
  /** Its registrars take an optional topic first: `name(topic, fn, opts?)`. */
  topic: boolean;
  result: HookResultShape;
  needs: readonly HookInputField[];
  empty: readonly HookEmptyField[];
  /** It receives a `files` helper rooted at the integration's folder. */
  files?: true;
  /** It may be declared as a YAML command hook (not when it needs a live helper object or yields). */
  commandHook: boolean;
}

const PLUG = ["instance", "plug", "integration"] as const;

/**
 * The one table of hook kinds (30-hooks.md). A new kind is one row here plus its runner: the
 * registrars of `meshroom/hooks`, the command-hook schema, where it may be declared, its context,
 * its result check and its CLI command are derived from the row (test/model/hook-kinds.test.ts
 * checks that they are). Lifecycle kinds first, then live kinds.
 */
export const HOOK_KIND_TABLE = {
  setup: {
    runs: "lifecycle", resource: "plug", phase: "setup", declaredIn: "integration", roles: "each", plainRegistrar: true, topic: true,
    result: "outputs", needs: PLUG, empty: [], commandHook: true,
  },
  teardown: {
    runs: "lifecycle", resource: "plug", phase: "teardown", declaredIn: "integration", roles: "each", plainRegistrar: true, topic: true,
    result: "ignored", needs: PLUG, empty: ["outputs"], commandHook: true,
  },
  read: {
    runs: "lifecycle", resource: "plug", phase: "read", declaredIn: "integration", roles: "each", plainRegistrar: true, topic: true,
    result: "exists", needs: PLUG, empty: ["outputs"], commandHook: true,
  },
  update: {
    runs: "lifecycle", resource: "plug", phase: "update", declaredIn: "integration", roles: "each", plainRegistrar: true, topic: true,
    result: "outputs", needs: PLUG, empty: ["outputs", "changes"], commandHook: true,
  },
  setupInstance: {
    runs: "lifecycle", resource: "instance", phase: "setup", declaredIn: "product", roles: "none", plainRegistrar: true, topic: false,
    result: "outputs", needs: ["instance"], empty: [], commandHook: true,
  },
  teardownInstance: {
    runs: "lifecycle", resource: "instance", phase: "teardown", declaredIn: "product", roles: "none", plainRegistrar: true, topic: false,
    result: "ignored", needs: ["instance"], empty: ["outputs"], commandHook: true,
  },
  readInstance: {
    runs: "lifecycle", resource: "instance", phase: "read", declaredIn: "product", roles: "none", plainRegistrar: true, topic: false,
    result: "exists", needs: ["instance"], empty: ["outputs"], commandHook: true,
  },
  produce: {
    runs: "live", command: "produce", sides: [{ side: "src", role: "producer" }, { side: "dst", role: "consumer" }], perCall: "data",
    declaredIn: "integration", roles: "any", plainRegistrar: true, topic: true,
    result: "value", needs: ["instance", "data"], empty: [], commandHook: true,
  },
  watch: {
    runs: "live", command: "watch", sides: [{ side: "dst", role: "consumer" }, { side: "src", role: "producer" }],
    declaredIn: "integration", roles: "any", plainRegistrar: true, topic: true,
    result: "stream", needs: ["instance"], empty: [], commandHook: false,
  },
  trigger: {
    runs: "live", command: "trigger", sides: [{ side: "src", role: "trigger" }], perCall: "params",
    declaredIn: "integration", roles: "trigger", plainRegistrar: true, topic: true,
    result: "value", needs: ["instance"], empty: ["params"], commandHook: true,
  },
  execute: {
    runs: "live", command: "execute", sides: [{ side: "dst", role: "executor" }], perCall: "params",
    declaredIn: "integration", roles: "executor", plainRegistrar: true, topic: true,
    result: "value", needs: ["instance"], empty: ["params"], commandHook: true,
  },
  pull: {
    runs: "live", command: "pull", declaredIn: "product", roles: "none", plainRegistrar: true, topic: false,
    result: "value", needs: ["path"], empty: [], commandHook: true,
  },
  publish: {
    runs: "live", command: "publish", declaredIn: "integration", roles: "none", plainRegistrar: true, topic: false,
    result: "value", needs: [], empty: [], commandHook: true,
  },
  scaffold: {
    runs: "live", command: "create integration", declaredIn: "integration", roles: "each", plainRegistrar: false, topic: true,
    result: "ignored", needs: ["integration"], empty: [], files: true, commandHook: false,
  },
} as const satisfies Record<string, HookKindFacts>;

type Table = typeof HOOK_KIND_TABLE;
export type HookKind = keyof Table;

/** The table, read one row at a time (every row has every field of HookKindFacts). */
export const HOOK_KIND_FACTS: Readonly<Record<HookKind, HookKindFacts>> = HOOK_KIND_TABLE;

/** Every kind of hook, in table order. */
export const HOOK_KINDS = Object.keys(HOOK_KIND_TABLE) as HookKind[];

function kindsWhere<K extends HookKind>(pred: (f: HookKindFacts, k: HookKind) => boolean): K[] {
  return HOOK_KINDS.filter((k) => pred(HOOK_KIND_FACTS[k], k)) as K[];
}

/** Kinds a YAML command hook may declare (`kind:` of CommandHookSchema). */
export type CommandHookKind = { [K in HookKind]: Table[K]["commandHook"] extends true ? K : never }[HookKind];
export const COMMAND_HOOK_KINDS = kindsWhere<CommandHookKind>((f) => f.commandHook);

/** Kinds called on an instance or a plug by `meshroom produce|watch|trigger|execute`. */
export type RuntimeHookKind = { [K in HookKind]: Table[K] extends { sides: unknown } ? K : never }[HookKind];
export const RUNTIME_HOOK_KINDS = kindsWhere<RuntimeHookKind>((f) => f.sides !== undefined);

/** Kinds that return once (every kind but the generators): their result is checked by hooks/results.ts. */
export type ReturningHookKind = { [K in HookKind]: Table[K]["result"] extends "stream" ? never : K }[HookKind];

/** Kinds that belong in a product-wide file only (instance and catalog hooks). */
export const PRODUCT_ONLY_HOOK_KINDS = kindsWhere((f) => f.declaredIn === "product");
/** Kinds that attach to an integration (the others belong to products or instances). */
export const INTEGRATION_HOOK_KINDS = kindsWhere((f) => f.declaredIn === "integration");
/** Lifecycle kinds of a plug side: in a product-wide file they need a role. */
export const PLUG_LIFECYCLE_HOOK_KINDS = kindsWhere((f) => f.resource === "plug");
/** Lifecycle kinds that undo a setup (their step records are not setup records). */
export const TEARDOWN_HOOK_KINDS = kindsWhere((f) => f.phase === "teardown");

/** One registration function of `meshroom/hooks`. */
export interface HookRegistrarFacts {
  name: string;
  kind: HookKind;
  /** The role it fixes; unset: none, or the `{ role }` option. */
  role?: Role;
  /** It takes an optional topic first. */
  topic: boolean;
}

/** The registration functions `meshroom/hooks` exports (hooks/api.ts), derived from the table. */
export function hookRegistrars(): HookRegistrarFacts[] {
  const out: HookRegistrarFacts[] = [];
  for (const kind of HOOK_KINDS) {
    const f = HOOK_KIND_FACTS[kind];
    if (f.roles === "each") {
      for (const role of ROLES) out.push({ name: `${kind}${role[0]!.toUpperCase()}${role.slice(1)}`, kind, role, topic: f.topic });
    }
    if (f.plainRegistrar) {
      const fixed = (ROLES as readonly string[]).includes(f.roles) ? (f.roles as Role) : undefined;
      out.push({ name: kind, kind, ...(fixed ? { role: fixed } : {}), topic: f.topic });
    }
  }
  return out;
}
