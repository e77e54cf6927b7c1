// hooks: the hook registry, loader and runner. Loads a project's hook files (TypeScript or
// JavaScript, imported at run time with jiti, once per process) and YAML command hooks into a
// HookRegistry without ever calling a hook body; runs one hook with its context, timeout,
// result validation and error wrapping. Hook authors import `meshroom/hooks` (./api.ts).
// `hookInput` (hook-input.ts) is the one place a hook's input is built from typed resource records,
// for lifecycle hooks (apply) and live hooks (produce, watch, trigger, execute) alike.
// Hooks are user code: they run inside the meshroom process with the user's rights.
// Python hook files (`*.py`) register through the shipped `meshroom` Python package and run in
// one Python process per command (./python/: the host client, the registration cache).
//
// Importing this module does not load jiti or execa: `loadHooks` loads the loader on first call.
// May import: project, model, exec, util, errors.
import type { HookRegistry } from "./registry.js";
import type { CollectedHooks, LoadHooksInput } from "./loader.js";

export { HookRegistry, type HookEntry, type HookFn } from "./registry.js";
export type { LoadHooksInput, HookSourceProduct, HookSourceIntegration, CollectedHooks } from "./loader.js";
export { runHook, describeHookOrigin, hookFailure } from "./runner.js";
export { runWatch, type WatchOptions } from "./watch-runner.js";
export { hookInput, integrationInput, type HookSubject } from "./hook-input.js";
export type { HookInput, HookRunOptions, HookLogEvent, HookLogSink, SecretAccess, SecretScope } from "./context.js";
export type { HookResult } from "./results.js";
export { DEFAULT_HOOK_TIMEOUT_S } from "./descriptor.js";
export { createGitHelper } from "./git.js";
export { createScaffoldFiles } from "./files.js";
export type * from "./types.js";

/** Registers every hook of a project (see loader.ts). Loads the loader, and jiti, on first call. */
export async function loadHooks(input: LoadHooksInput): Promise<HookRegistry> {
  const loader = await import("./loader.js");
  return loader.loadHooks(input);
}

/** Like loadHooks, but returns every problem instead of throwing them (for `validate`). */
export async function collectHooks(input: LoadHooksInput): Promise<CollectedHooks> {
  const loader = await import("./loader.js");
  return loader.collectHooks(input);
}
