import { MeshroomError } from "../errors/index.js";
import { hookEnvNameProblem, isWithheldEnvName } from "../util/env-names.js";

/**
 * What every program a hook starts inherits from meshroom's environment: enough to find
 * programs, a home, a locale, a time zone and a temp dir. Nothing else of meshroom's
 * environment — its passphrase, its state backend's connection string, the user's other
 * tokens — reaches a hook's processes unless the hook declares the name in `env`.
 */
export const BASE_HOOK_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR"] as const;
const LOCALE = /^LC_[A-Z]+$/;

export interface HookEnvOptions {
  /** Names the hook declared (`env:`): copied from `from` when set there. */
  declared?: readonly string[];
  /** Values set by meshroom or by the hook's own code (e.g. MESHROOM_ADDRESS, a daemon's token). */
  set?: Record<string, string | undefined>;
  /** Where inherited values come from (default: meshroom's environment). */
  from?: NodeJS.ProcessEnv;
}

/**
 * The complete environment of a hook's process: the base names, the declared names, then
 * `set`; meshroom's credentials are removed whatever the source. A declared name that is not
 * allowed (manifests and hook options are checked at load time, but the pg backend's
 * `conn_str_env` is only known once the state is opened) is an E_BAD_MANIFEST error.
 */
export function hookEnvironment(opts: HookEnvOptions = {}): Record<string, string> {
  const from = opts.from ?? process.env;
  const env: Record<string, string> = {};
  const copy = (name: string) => {
    const v = from[name];
    if (v !== undefined) env[name] = v;
  };
  for (const name of BASE_HOOK_ENV) copy(name);
  for (const name of Object.keys(from)) if (LOCALE.test(name)) copy(name);
  for (const name of opts.declared ?? []) {
    const problem = hookEnvNameProblem(name);
    if (problem) throw new MeshroomError("E_BAD_MANIFEST", `${problem[0]!.toUpperCase()}${problem.slice(1)}`, { detail: "remove it from the hook's `env` list" });
    copy(name);
  }
  for (const [k, v] of Object.entries(opts.set ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  for (const k of Object.keys(env)) if (isWithheldEnvName(k)) delete env[k];
  return env;
}

/**
 * Meshroom's environment without its credentials: for programs meshroom runs on a hook's
 * behalf that need the user's setup (git: SSH agent, proxies, credential helpers).
 */
export function environmentWithoutCredentials(set: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...from, ...set })) if (v !== undefined && !isWithheldEnvName(k)) env[k] = v;
  return env;
}
